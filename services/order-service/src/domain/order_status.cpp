#include "domain/order_status.hpp"

#include <string>

namespace shop::order::domain {

std::string_view ToString(OrderStatus s) {
  switch (s) {
    case OrderStatus::kPending: return "PENDING";
    case OrderStatus::kReserved: return "RESERVED";
    case OrderStatus::kPaid: return "PAID";
    case OrderStatus::kShipped: return "SHIPPED";
    case OrderStatus::kDelivered: return "DELIVERED";
    case OrderStatus::kCancelled: return "CANCELLED";
    case OrderStatus::kRejected: return "REJECTED";
    case OrderStatus::kRefunded: return "REFUNDED";
  }
  return "UNKNOWN";
}

std::optional<OrderStatus> ParseStatus(std::string_view s) {
  for (auto status : kAllStatuses) {
    if (ToString(status) == s) return status;
  }
  return std::nullopt;
}

bool CanTransition(OrderStatus from, OrderStatus to) {
  using S = OrderStatus;
  switch (from) {
    case S::kPending: return to == S::kReserved || to == S::kCancelled || to == S::kRejected;
    case S::kReserved: return to == S::kPaid || to == S::kCancelled;
    case S::kPaid: return to == S::kShipped || to == S::kRefunded;
    case S::kShipped: return to == S::kDelivered || to == S::kRefunded;
    case S::kDelivered: return to == S::kRefunded;
    case S::kCancelled:
    case S::kRejected:
    case S::kRefunded: return false;
  }
  return false;
}

Result<void> CheckTransition(OrderStatus from, OrderStatus to) {
  if (CanTransition(from, to)) return Ok();
  return Error::Conflict("order is " + std::string(ToString(from)) + "; it cannot become " +
                         std::string(ToString(to)));
}

}  // namespace shop::order::domain
