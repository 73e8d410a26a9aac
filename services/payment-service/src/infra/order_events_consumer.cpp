#include "infra/order_events_consumer.hpp"

#include "app/payment_events.hpp"
#include "shop/observability/log.hpp"

namespace shop::payment::infra {
namespace {

std::string_view Text(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

}  // namespace

Result<void> HandleOrderEvent(app::PaymentService& payments, const events::Envelope& e) {
  if (e.event_type != app::kOrderPaymentRejected) return Ok();
  const auto order_id = Text(e.data, "order_id");
  const auto payment_id = Text(e.data, "payment_id");
  if (order_id.empty() || payment_id.empty()) {
    // A malformed event would fail forever; acknowledge it and leave a trace.
    log::Error("OrderPaymentRejected without order_id or payment_id", {{"event_id", std::string_view(e.event_id)}});
    return Ok();
  }
  auto r = payments.CompensateRejectedOrder(e.event_id, order_id, payment_id);
  if (!r) {
    log::Warn("compensating refund failed; the event will be redelivered",
              {{"event_id", std::string_view(e.event_id)}, {"payment_id", payment_id}, {"detail", std::string_view(r.error().detail)}});
  }
  return r;
}

void SubscribeOrderEvents(events::Bus& bus, app::PaymentService& payments) {
  bus.Subscribe(std::string(app::kOrdersTopic), std::string(app::kConsumerName),
                [&payments](const events::Envelope& e) { return HandleOrderEvent(payments, e); });
}

}  // namespace shop::payment::infra
