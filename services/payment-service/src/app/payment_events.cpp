#include "app/payment_events.hpp"

namespace shop::payment::app {

events::Envelope ChargeEvent(const domain::Payment& p, const Clock& clock) {
  if (p.status == domain::PaymentStatus::kFailed) {
    return events::Make(std::string(kPaymentsTopic), "PaymentFailed", p.order_id,
                        {{"payment_id", p.id}, {"order_id", p.order_id}, {"reason", p.failure_reason.value_or("")}},
                        clock);
  }
  return events::Make(std::string(kPaymentsTopic), "PaymentSucceeded", p.order_id,
                      {{"payment_id", p.id},
                       {"order_id", p.order_id},
                       {"user_id", p.user_id},
                       {"amount_cents", p.amount_cents},
                       {"currency", p.currency}},
                      clock);
}

events::Envelope RefundEvent(const domain::Payment& p, std::string_view reason, const Clock& clock) {
  return events::Make(std::string(kPaymentsTopic), "PaymentRefunded", p.order_id,
                      {{"payment_id", p.id},
                       {"order_id", p.order_id},
                       {"amount_cents", p.amount_cents},
                       {"reason", reason}},
                      clock);
}

}  // namespace shop::payment::app
