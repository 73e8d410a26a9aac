// Refunds: by an admin, and as the saga's compensation when the order rejected a payment that went
// through (OrderPaymentRejected). The provider is asked first, then the status change and
// PaymentRefunded commit together; a provider refund is idempotent per payment, so a crash between
// the two is repaired by the retry (admin) or the redelivery (consumer).
#include "app/payment_events.hpp"
#include "app/payment_service.hpp"

namespace shop::payment::app {
namespace {

// The payment, or kNotFound (also when it belongs to another order than `order_id`, if given).
Result<domain::Payment> Load(PaymentRepository& payments, db::Tx& tx, std::string_view id,
                             std::optional<std::string_view> order_id) {
  auto found = payments.FindById(tx, id);
  if (!found) return found.error();
  if (!*found || (order_id && (*found)->order_id != *order_id)) return Error::NotFound("payment not found");
  return std::move(**found);
}

}  // namespace

Result<domain::Payment> PaymentService::Refund(std::string_view payment_id) {
  return RefundWith(payment_id, {kRefundByAdmin, std::nullopt, std::nullopt});
}

Result<domain::Payment> PaymentService::RefundWith(std::string_view payment_id, const RefundCause& cause) {
  auto before = db_.Read([&](db::Tx& tx) { return Load(payments_, tx, payment_id, cause.order_id); });
  if (!before) return before.error();
  if (auto ok = domain::CheckRefundable(*before); !ok) return ok.error();
  if (auto r = provider_.Refund(*before); !r) return r.error();

  return db_.Write([&](db::Tx& tx) -> Result<domain::Payment> {
    if (cause.event_id) {
      auto first = events::Remember(tx, kConsumerName, *cause.event_id);
      if (!first) return first.error();
      if (!*first) return Error::Conflict("event already handled");
    }
    auto p = Load(payments_, tx, payment_id, cause.order_id);
    if (!p) return p.error();
    if (auto r = domain::Refund(*p, clock_.NowMs()); !r) return r.error();  // a concurrent refund won
    if (auto r = payments_.UpdateStatus(tx, *p); !r) return r.error();
    if (auto r = events::Append(tx, RefundEvent(*p, cause.reason, clock_)); !r) return r.error();
    return std::move(*p);
  });
}

Result<void> PaymentService::CompensateRejectedOrder(std::string_view event_id, std::string_view order_id,
                                                     std::string_view payment_id) {
  auto refunded = RefundWith(payment_id, {kRefundOrderRejected, event_id, order_id});
  if (refunded) return Ok();
  // Nothing to compensate: an unknown payment, one already refunded or failed, or a redelivered
  // event. Record the event so a redelivery is a no-op, and acknowledge it.
  const Errc code = refunded.error().code;
  if (code != Errc::kNotFound && code != Errc::kConflict) return refunded.error();
  return db_.Write([&](db::Tx& tx) -> Result<void> {
    auto first = events::Remember(tx, kConsumerName, event_id);
    if (!first) return first.error();
    return Ok();
  });
}

}  // namespace shop::payment::app
