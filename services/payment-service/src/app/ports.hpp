// Ports of the payment core, implemented in infra/ (and by fakes in tests):
//  - OrderClient: reads an order from the order-service on behalf of the caller.
//  - PaymentProvider: the card processor (built in: the sandbox; a real one per ADR 0004).
//  - PaymentRepository: the payments table, inside the caller's transaction.
// All of them are called from worker threads (blocking); none may be called on an I/O thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/card.hpp"
#include "domain/order_snapshot.hpp"
#include "domain/payment.hpp"
#include "shop/core/error.hpp"
#include "shop/db/database.hpp"
#include "shop/http/message.hpp"

namespace shop::payment::app {

// Who is asking, and what to forward on their behalf to other services.
struct Caller {
  std::string user_id;
  bool is_admin = false;
  std::string authorization;  // the caller's "Authorization" header, forwarded as is
  http::RequestContext trace; // request id / traceparent for outgoing calls
};

class OrderClient {
 public:
  virtual ~OrderClient() = default;
  // The order as its owner sees it. kNotFound for an unknown order or someone else's;
  // kUnavailable (with retry_after_s) when the order-service cannot be reached.
  virtual Result<domain::OrderSnapshot> Get(std::string_view order_id, const Caller& caller) = 0;
};

struct ChargeRequest {
  std::string payment_id;  // our id: a real provider uses it as its idempotency key
  std::string order_id;
  std::int64_t amount_cents = 0;
  std::string currency;
};

struct ChargeOutcome {
  bool succeeded = false;
  std::string failure_reason;  // when !succeeded: "card_declined", "insufficient_funds", ...
  std::string provider_ref;    // the provider's id for this charge
};

class PaymentProvider {
 public:
  virtual ~PaymentProvider() = default;
  virtual std::string_view name() const = 0;
  // A declined card is a successful call with succeeded == false. An error means the outcome is
  // unknown or the provider is unreachable (kUnavailable). Never logs the card.
  virtual Result<ChargeOutcome> Charge(const ChargeRequest& req, const domain::Card& card) = 0;
  // Full refund of a succeeded charge; idempotent per payment id.
  virtual Result<void> Refund(const domain::Payment& payment) = 0;
};

struct ListFilter {
  std::optional<std::string> user_id;   // nullopt: every user's (admin)
  std::optional<std::string> order_id;
  std::optional<std::string> before_id; // keyset: payments with a smaller id (newest first)
  int limit = 20;
};

class PaymentRepository {
 public:
  virtual ~PaymentRepository() = default;
  // kConflict when the order already has a SUCCEEDED/REFUNDED payment (unique index).
  virtual Result<void> Insert(db::Tx& tx, const domain::Payment& p) = 0;
  virtual Result<std::optional<domain::Payment>> FindById(db::Tx& tx, std::string_view id) = 0;
  // The order's SUCCEEDED or REFUNDED payment, if any.
  virtual Result<std::optional<domain::Payment>> FindCaptured(db::Tx& tx, std::string_view order_id) = 0;
  // Writes status, refunded_at and updated_at.
  virtual Result<void> UpdateStatus(db::Tx& tx, const domain::Payment& p) = 0;
  // Newest first, at most filter.limit rows.
  virtual Result<std::vector<domain::Payment>> List(db::Tx& tx, const ListFilter& filter) = 0;
};

}  // namespace shop::payment::app
