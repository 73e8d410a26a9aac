#include "domain/inventory.hpp"

namespace shop::product {

std::string_view ToString(ReservationStatus s) {
  switch (s) {
    case ReservationStatus::kHeld:
      return "held";
    case ReservationStatus::kCommitted:
      return "committed";
    case ReservationStatus::kReleased:
      return "released";
  }
  return "held";
}

std::vector<OrderLine> MergeLines(const std::vector<OrderLine>& lines) {
  std::vector<OrderLine> out;
  for (const auto& l : lines) {
    bool merged = false;
    for (auto& o : out) {
      if (o.product_id == l.product_id) {
        o.quantity += l.quantity;
        merged = true;
        break;
      }
    }
    if (!merged) out.push_back(l);
  }
  return out;
}

}  // namespace shop::product
