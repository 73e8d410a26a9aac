#include "domain/product.hpp"

#include "domain/currency.hpp"
#include "shop/core/strings.hpp"

namespace shop::product {

bool IsValidSku(std::string_view sku) {
  if (sku.empty() || sku.size() > kMaxSkuLength) return false;
  for (char c : sku) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string NameSortKey(std::string_view name) { return ToLower(name); }

std::size_t Utf8Length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

Result<ProductFields> Normalize(ProductFields f) {
  f.name = std::string(Trim(f.name));
  f.category = std::string(Trim(f.category));
  f.description = std::string(Trim(f.description));
  for (char& c : f.currency) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  std::vector<FieldError> errs;
  if (!IsValidSku(f.sku)) errs.push_back({"sku", "must be 1..64 characters of A-Z a-z 0-9 . _ -"});
  if (const auto n = Utf8Length(f.name); n < 1 || n > kMaxNameLength) {
    errs.push_back({"name", "must be 1..200 characters"});
  }
  if (Utf8Length(f.description) > kMaxDescriptionLength) {
    errs.push_back({"description", "must be at most 5000 characters"});
  }
  if (f.price_cents < 1 || f.price_cents > kMaxPriceCents) {
    errs.push_back({"price_cents", "must be an integer in 1..100000000000"});
  }
  if (!IsIso4217(f.currency)) errs.push_back({"currency", "must be an active ISO 4217 code"});
  if (const auto n = Utf8Length(f.category); n < 1 || n > kMaxCategoryLength) {
    errs.push_back({"category", "must be 1..64 characters"});
  }
  if (!errs.empty()) return Error::Invalid(std::move(errs));
  return f;
}

void ApplyPatch(ProductFields& f, const ProductPatch& p) {
  if (p.sku) f.sku = *p.sku;
  if (p.name) f.name = *p.name;
  if (p.description) f.description = *p.description;
  if (p.price_cents) f.price_cents = *p.price_cents;
  if (p.currency) f.currency = *p.currency;
  if (p.category) f.category = *p.category;
}

}  // namespace shop::product
