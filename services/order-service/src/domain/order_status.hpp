// The order status machine (API-CONTRACT "Cart and orders"):
//   PENDING -> RESERVED -> PAID -> SHIPPED -> DELIVERED
//   PENDING | RESERVED -> CANCELLED      (customer, admin, or reservation expiry)
//   PENDING -> REJECTED                  (out of stock)
//   PAID | SHIPPED | DELIVERED -> REFUNDED  (a refunded payment; see README "Refunds")
// A failed payment is not a transition (the order stays RESERVED). Pure: std + shop/core only.
#pragma once

#include <array>
#include <optional>
#include <string_view>

#include "shop/core/error.hpp"

namespace shop::order::domain {

enum class OrderStatus { kPending, kReserved, kPaid, kShipped, kDelivered, kCancelled, kRejected, kRefunded };

inline constexpr std::array<OrderStatus, 8> kAllStatuses = {
    OrderStatus::kPending,   OrderStatus::kReserved,  OrderStatus::kPaid,     OrderStatus::kShipped,
    OrderStatus::kDelivered, OrderStatus::kCancelled, OrderStatus::kRejected, OrderStatus::kRefunded};

// "PENDING", "RESERVED", ...
std::string_view ToString(OrderStatus s);
// Exact, upper-case names only.
std::optional<OrderStatus> ParseStatus(std::string_view s);

bool CanTransition(OrderStatus from, OrderStatus to);
// kConflict naming the current status ("order is PAID; it cannot become CANCELLED") when illegal.
Result<void> CheckTransition(OrderStatus from, OrderStatus to);

}  // namespace shop::order::domain
