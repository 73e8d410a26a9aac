// A catalog product and the rules for its admin-editable fields (API-CONTRACT "Catalog and
// inventory"). Pure: std + shop/core only. Validation returns every field error at once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::product {

inline constexpr std::size_t kMaxSkuLength = 64;
inline constexpr std::size_t kMaxNameLength = 200;
inline constexpr std::size_t kMaxDescriptionLength = 5000;
inline constexpr std::size_t kMaxCategoryLength = 64;
inline constexpr std::int64_t kMaxPriceCents = 100'000'000'000;
inline constexpr std::string_view kDefaultCurrency = "USD";

// What an admin sets: the body of POST and PUT.
struct ProductFields {
  std::string sku;
  std::string name;
  std::string description;
  std::int64_t price_cents = 0;
  std::string currency = std::string(kDefaultCurrency);
  std::string category;
};

// PATCH: only the present fields change.
struct ProductPatch {
  std::optional<std::string> sku, name, description;
  std::optional<std::int64_t> price_cents;
  std::optional<std::string> currency, category;
};

struct Product {
  std::string id;
  ProductFields fields;
  std::int64_t stock_available = 0;  // on_hand - reserved, read with the product
  std::int64_t version = 1;
  bool deleted = false;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// [A-Za-z0-9._-]{1,64}
bool IsValidSku(std::string_view sku);

// The key `sort=name` orders by: the name with ASCII letters lower-cased (stored beside the name,
// so both SQL dialects order the same way without collation differences).
std::string NameSortKey(std::string_view name);

// Number of UTF-8 code points (invalid bytes count as one each).
std::size_t Utf8Length(std::string_view s);

// Trims name/category/description and upper-cases the currency, then checks every rule.
// kInvalid with one FieldError per broken rule.
Result<ProductFields> Normalize(ProductFields f);

void ApplyPatch(ProductFields& f, const ProductPatch& p);

}  // namespace shop::product
