// Listing products: filters, sort orders and the keyset position a page resumes after.
// The position travels inside a sealed cursor ("<sort>|<id>|<key>"); a cursor made for one sort
// order is refused under another. Pure: std + shop/core only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/product.hpp"
#include "shop/core/error.hpp"

namespace shop::product {

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 100;

enum class SortOrder { kPriceAsc, kPriceDesc, kNameAsc, kCreatedAsc, kCreatedDesc };

// "price", "-price", "name", "created_at", "-created_at"; nullopt for anything else.
std::optional<SortOrder> ParseSort(std::string_view s);
std::string_view ToString(SortOrder s);
bool IsDescending(SortOrder s);

// Where the previous page ended: the last item's sort key and id.
struct KeysetPosition {
  std::string id;
  std::int64_t int_key = 0;  // price or created_at
  std::string text_key;      // name
};

struct ListQuery {
  std::optional<std::string> q;
  std::optional<std::string> category;
  std::optional<std::int64_t> min_price, max_price;
  SortOrder sort = SortOrder::kCreatedDesc;
  int limit = kDefaultPageSize;
  std::optional<KeysetPosition> after;
};

struct ProductPage {
  std::vector<Product> items;
  std::optional<std::string> next_cursor;  // sealed
};

struct CategoryCount {
  std::string name;
  std::int64_t product_count = 0;
};

// The position just past `p` under `sort`.
KeysetPosition PositionOf(const Product& p, SortOrder sort);
std::string EncodePosition(SortOrder sort, const KeysetPosition& pos);
// kBadRequest when the payload is malformed or was made for another sort order.
Result<KeysetPosition> DecodePosition(SortOrder sort, std::string_view payload);

}  // namespace shop::product
