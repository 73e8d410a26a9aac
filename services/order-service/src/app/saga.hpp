// Saga: the order-service's part of the choreographed checkout (README "Saga"). Each handler runs
// in ONE write transaction with events::Remember (consumer "order-service"), so a redelivered event
// has no second effect; an event that no longer applies (the order moved on) is acknowledged and
// ignored, except a payment for an order that cannot take it, which is answered with
// OrderPaymentRejected so the payment-service refunds it (compensation).
// ExpireStale cancels unpaid orders. Thread-safe; blocking.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "app/deps.hpp"

namespace shop::order::app {

struct ExpiryPolicy {
  UnixMillis payment_timeout_ms = 900'000;   // RESERVED longer than this -> CANCELLED ("expired")
  UnixMillis pending_timeout_ms = 3'600'000; // PENDING (inventory never answered) -> CANCELLED
};

class Saga {
 public:
  Saga(Deps deps, ExpiryPolicy policy) : d_(deps), policy_(policy) {}

  // PENDING -> RESERVED (records the reservation's expiry).
  Result<void> OnInventoryReserved(std::string_view event_id, std::string_view order_id,
                                   std::optional<UnixMillis> expires_at);
  // PENDING -> REJECTED, failure_reason "out_of_stock" with `detail`.
  Result<void> OnReservationFailed(std::string_view event_id, std::string_view order_id, std::string detail);
  // reason "expired": RESERVED -> CANCELLED + OrderCancelled{reason "expired"}. Other reasons: no effect.
  Result<void> OnInventoryReleased(std::string_view event_id, std::string_view order_id, std::string_view reason);
  // RESERVED -> PAID + OrderPaid. Same payment again: no effect. An order that cannot be paid by it
  // (not RESERVED, unknown, or another amount): OrderPaymentRejected.
  Result<void> OnPaymentSucceeded(std::string_view event_id, std::string_view order_id, std::string_view payment_id,
                                  std::int64_t amount_cents, std::string_view currency);
  // A RESERVED order records last_payment_error and stays RESERVED.
  Result<void> OnPaymentFailed(std::string_view event_id, std::string_view order_id, std::string reason);
  // The payment that paid the order: PAID|SHIPPED|DELIVERED -> REFUNDED. Other payments: no effect.
  Result<void> OnPaymentRefunded(std::string_view event_id, std::string_view order_id, std::string_view payment_id);

  // Cancels (+ OrderCancelled{reason "expired"}) RESERVED orders older than the payment timeout and
  // PENDING ones older than the pending timeout, at most `batch` of each. Returns how many.
  Result<int> ExpireStale(UnixMillis now, int batch = 100);

 private:
  Deps d_;
  ExpiryPolicy policy_;
};

}  // namespace shop::order::app
