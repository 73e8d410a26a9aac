// PaymentService: the payment use cases. Blocking; runs on the Module's worker pool.
//
// Pay (POST /api/v1/payments), in this order:
//   1. idempotency pre-check (a stored response is replayed before anything else runs);
//   2. card validation (422) -> 3. the order from the order-service, as the caller (404 for someone
//   else's, 503 when unreachable) -> 4. payable? (RESERVED only; 409) -> 5. already captured? (409)
//   -> 6. the provider's decision -> 7. ONE write transaction: idempotency re-check, payment row,
//   PaymentSucceeded/PaymentFailed in the outbox, idempotency record.
// The sandbox's decision is a pure function of the card, so deciding before the transaction is safe:
// a crash before commit leaves no payment and no charge, and a retry replays or gets a 409. A real
// provider needs the PROCESSING-row protocol of ADR 0004 instead.
//
// Failpoints (FAILPOINTS=...): "payment.before_commit" inside the transaction (rolls it back),
// "payment.after_commit" once it has committed.
//
// Refund (admin) and CompensateRejectedOrder (the OrderPaymentRejected consumer) live in refunds.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/ports.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"

namespace shop::payment::app {

struct PayCommand {
  std::string order_id;
  domain::CardInput card;
};

// The caller's Idempotency-Key and the request's fingerprint.
struct IdempotencyScope {
  std::string key;
  std::string fingerprint;
};

// A response as the edge renders it: stored verbatim with the idempotency key and replayed byte for
// byte. The status is the edge's business; the core stores and returns it untouched.
struct Rendered {
  int status = 0;
  std::string body;
};
using Renderer = std::function<Rendered(const domain::Payment&)>;

struct PayOutcome {
  bool replayed = false;
  Rendered response;
  std::optional<domain::Payment> payment;  // absent on a replay
};

struct Page {
  std::vector<domain::Payment> items;
  std::optional<std::string> next_before_id;  // the last item's id when more may follow
};

class PaymentService {
 public:
  PaymentService(db::Database& db, PaymentRepository& payments, OrderClient& orders, PaymentProvider& provider,
                 const Clock& clock);

  // Errors: kInvalid (card, order_id), kNotFound (order), kConflict (order not RESERVED, already
  // paid, idempotency key reused with another request), kUnavailable (order-service, provider).
  // A declined card is not an error: the outcome holds a FAILED payment.
  Result<PayOutcome> Pay(const Caller& caller, const PayCommand& cmd, const std::optional<IdempotencyScope>& idem,
                         const Renderer& render);

  // The caller's payment, or any for an admin; kNotFound otherwise.
  Result<domain::Payment> Get(const Caller& caller, std::string_view id);

  // The caller's payments (an admin's filter.user_id may be nullopt: everyone's), newest first.
  Result<Page> List(const ListFilter& filter);

  // Full refund (admin; the caller checks the role). SUCCEEDED -> REFUNDED + PaymentRefunded in one
  // transaction. kNotFound, kConflict for FAILED/REFUNDED, kUnavailable from the provider.
  Result<domain::Payment> Refund(std::string_view payment_id);

  // Handles OrderPaymentRejected{order_id, payment_id} delivered as event `event_id`: refunds that
  // payment if it is still SUCCEEDED. Idempotent (inbox): a redelivery does nothing.
  Result<void> CompensateRejectedOrder(std::string_view event_id, std::string_view order_id,
                                       std::string_view payment_id);

 private:
  struct RefundCause {
    std::string_view reason;                  // kRefundByAdmin | kRefundOrderRejected
    std::optional<std::string_view> event_id; // the consumer's inbox entry, same transaction
    std::optional<std::string_view> order_id; // the payment must belong to this order
  };
  Result<domain::Payment> RefundWith(std::string_view payment_id, const RefundCause& cause);

  db::Database& db_;
  PaymentRepository& payments_;
  OrderClient& orders_;
  PaymentProvider& provider_;
  const Clock& clock_;
};

}  // namespace shop::payment::app
