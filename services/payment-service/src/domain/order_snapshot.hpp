// What the payment-service knows of an order: a snapshot read from the order-service at payment
// time (the amount and currency charged are the order's, never the client's), and the rule of which
// orders can be paid. Pure: std + shop/core only.
#pragma once

#include <cstdint>
#include <string>

#include "shop/core/error.hpp"

namespace shop::payment::domain {

struct OrderSnapshot {
  std::string id;
  std::string user_id;
  std::string status;  // the order-service's status name ("RESERVED", ...)
  std::int64_t total_cents = 0;
  std::string currency;
};

// Ok for a RESERVED order with a positive total. PENDING -> kConflict "reservation in progress,
// retry" with retry_after_s = 1; any other status -> kConflict naming it ("order is PAID").
Result<void> CheckPayable(const OrderSnapshot& order);

}  // namespace shop::payment::domain
