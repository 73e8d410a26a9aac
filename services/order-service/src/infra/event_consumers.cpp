#include "infra/event_consumers.hpp"

#include <boost/json/serialize.hpp>

#include "shop/observability/log.hpp"

namespace shop::order::infra {
namespace {

std::optional<std::string> Str(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->as_string());
}

std::optional<std::int64_t> Int(const boost::json::object& o, std::string_view k) {
  const auto* v = o.if_contains(k);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

// RFC 3339 text or integer Unix milliseconds.
std::optional<UnixMillis> Time(const boost::json::object& o, std::string_view k) {
  if (auto s = Str(o, k)) return ParseRfc3339(*s);
  return Int(o, k);
}

Result<void> Malformed(const events::Envelope& e, std::string_view what) {
  log::Warn("ignoring malformed event", {{"event_id", std::string_view(e.event_id)},
                                         {"event_type", std::string_view(e.event_type)},
                                         {"problem", what}});
  return Ok();
}

// "out of stock: <product> (requested 3, available 1), ..." from the shortages array.
std::string ShortageDetail(const boost::json::object& data) {
  const auto* s = data.if_contains("shortages");
  if (!s || !s->is_array() || s->as_array().empty()) return "insufficient stock";
  std::string out = "insufficient stock for";
  bool first = true;
  for (const auto& item : s->as_array()) {
    out += first ? " " : ", ";
    first = false;
    if (!item.is_object()) {
      out += boost::json::serialize(item);
      continue;
    }
    const auto& o = item.as_object();
    out += Str(o, "product_id").value_or("?");
    auto requested = Int(o, "requested");
    auto available = Int(o, "available");
    if (requested && available) {
      out += " (requested " + std::to_string(*requested) + ", available " + std::to_string(*available) + ")";
    }
  }
  return out;
}

}  // namespace

Result<void> HandleInventoryEvent(app::Saga& saga, const events::Envelope& e) {
  const auto& d = e.data;
  auto order_id = Str(d, "order_id");
  if (e.event_type == "InventoryReserved") {
    if (!order_id) return Malformed(e, "order_id missing");
    return saga.OnInventoryReserved(e.event_id, *order_id, Time(d, "expires_at"));
  }
  if (e.event_type == "InventoryReservationFailed") {
    if (!order_id) return Malformed(e, "order_id missing");
    return saga.OnReservationFailed(e.event_id, *order_id, ShortageDetail(d));
  }
  if (e.event_type == "InventoryReleased") {
    if (!order_id) return Malformed(e, "order_id missing");
    return saga.OnInventoryReleased(e.event_id, *order_id, Str(d, "reason").value_or(""));
  }
  return Ok();
}

Result<void> HandlePaymentEvent(app::Saga& saga, const events::Envelope& e) {
  const auto& d = e.data;
  auto order_id = Str(d, "order_id");
  auto payment_id = Str(d, "payment_id");
  if (e.event_type == "PaymentSucceeded") {
    auto amount = Int(d, "amount_cents");
    if (!order_id || !payment_id || !amount) return Malformed(e, "order_id, payment_id or amount_cents missing");
    return saga.OnPaymentSucceeded(e.event_id, *order_id, *payment_id, *amount, Str(d, "currency").value_or("USD"));
  }
  if (e.event_type == "PaymentFailed") {
    if (!order_id) return Malformed(e, "order_id missing");
    auto reason = Str(d, "failure_reason");
    if (!reason) reason = Str(d, "reason");
    return saga.OnPaymentFailed(e.event_id, *order_id, reason.value_or("payment failed"));
  }
  if (e.event_type == "PaymentRefunded") {
    if (!order_id || !payment_id) return Malformed(e, "order_id or payment_id missing");
    return saga.OnPaymentRefunded(e.event_id, *order_id, *payment_id);
  }
  return Ok();
}

void SubscribeConsumers(events::Bus& bus, app::Saga& saga) {
  bus.Subscribe("inventory", std::string(app::kConsumerName),
                [&saga](const events::Envelope& e) { return HandleInventoryEvent(saga, e); });
  bus.Subscribe("payments", std::string(app::kConsumerName),
                [&saga](const events::Envelope& e) { return HandlePaymentEvent(saga, e); });
}

}  // namespace shop::order::infra
