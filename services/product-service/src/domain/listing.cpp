#include "domain/listing.hpp"

#include "shop/core/strings.hpp"

namespace shop::product {

std::optional<SortOrder> ParseSort(std::string_view s) {
  if (s == "price") return SortOrder::kPriceAsc;
  if (s == "-price") return SortOrder::kPriceDesc;
  if (s == "name") return SortOrder::kNameAsc;
  if (s == "created_at") return SortOrder::kCreatedAsc;
  if (s == "-created_at") return SortOrder::kCreatedDesc;
  return std::nullopt;
}

std::string_view ToString(SortOrder s) {
  switch (s) {
    case SortOrder::kPriceAsc:
      return "price";
    case SortOrder::kPriceDesc:
      return "-price";
    case SortOrder::kNameAsc:
      return "name";
    case SortOrder::kCreatedAsc:
      return "created_at";
    case SortOrder::kCreatedDesc:
      return "-created_at";
  }
  return "-created_at";
}

bool IsDescending(SortOrder s) { return s == SortOrder::kPriceDesc || s == SortOrder::kCreatedDesc; }

KeysetPosition PositionOf(const Product& p, SortOrder sort) {
  KeysetPosition pos{p.id};
  switch (sort) {
    case SortOrder::kPriceAsc:
    case SortOrder::kPriceDesc:
      pos.int_key = p.fields.price_cents;
      break;
    case SortOrder::kNameAsc:
      pos.text_key = NameSortKey(p.fields.name);
      break;
    case SortOrder::kCreatedAsc:
    case SortOrder::kCreatedDesc:
      pos.int_key = p.created_at;
      break;
  }
  return pos;
}

std::string EncodePosition(SortOrder sort, const KeysetPosition& pos) {
  std::string out(ToString(sort));
  out += '|';
  out += pos.id;
  out += '|';
  if (sort == SortOrder::kNameAsc) {
    out += pos.text_key;
  } else {
    out += std::to_string(pos.int_key);
  }
  return out;
}

Result<KeysetPosition> DecodePosition(SortOrder sort, std::string_view payload) {
  const auto bar1 = payload.find('|');
  if (bar1 == std::string_view::npos) return Error::BadRequest("invalid cursor");
  const auto bar2 = payload.find('|', bar1 + 1);
  if (bar2 == std::string_view::npos) return Error::BadRequest("invalid cursor");
  if (payload.substr(0, bar1) != ToString(sort)) {
    return Error::BadRequest("cursor was issued for another sort order");
  }
  KeysetPosition pos;
  pos.id = std::string(payload.substr(bar1 + 1, bar2 - bar1 - 1));
  const auto key = payload.substr(bar2 + 1);
  if (pos.id.empty()) return Error::BadRequest("invalid cursor");
  if (sort == SortOrder::kNameAsc) {
    pos.text_key = std::string(key);
  } else {
    auto v = ParseInt(key);
    if (!v) return Error::BadRequest("invalid cursor");
    pos.int_key = *v;
  }
  return pos;
}

}  // namespace shop::product
