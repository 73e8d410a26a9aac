#include "infra/order_consumer.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <cstdint>

#include "app/product_events.hpp"

namespace shop::product::infra {
namespace {

std::string StringField(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// Lines the order asked for. A malformed line becomes quantity 0 so the reservation fails
// loudly (InventoryReservationFailed) instead of reserving part of the order.
std::vector<OrderLine> LinesOf(const boost::json::object& data) {
  std::vector<OrderLine> lines;
  const auto* items = data.if_contains("items");
  if (!items || !items->is_array()) return lines;
  for (const auto& item : items->get_array()) {
    OrderLine line;
    if (const auto* o = item.if_object()) {
      line.product_id = StringField(*o, "product_id");
      if (const auto* q = o->if_contains("quantity"); q && q->is_int64()) line.quantity = q->get_int64();
      if (const auto* q = o->if_contains("quantity"); q && q->is_uint64()) {
        line.quantity = static_cast<std::int64_t>(std::min<std::uint64_t>(q->get_uint64(), INT64_MAX));
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

Result<void> OrderConsumer::Handle(const events::Envelope& e) {
  const bool known = e.event_type == "OrderCreated" || e.event_type == "OrderCancelled" || e.event_type == "OrderPaid";
  if (!known) return Ok();
  return db_.Write([&](db::Tx& tx) -> Result<void> {
    auto first = events::Remember(tx, kConsumerName, e.event_id);
    if (!first) return first.error();
    if (!*first) return Ok();
    const std::string order_id = StringField(e.data, "order_id");
    if (order_id.empty()) return Ok();  // nothing to act on; remembered so it is not retried
    if (e.event_type == "OrderCreated") {
      auto r = inventory_.ReserveInTx(tx, order_id, LinesOf(e.data));
      if (!r) return r.error();
      return Ok();
    }
    if (e.event_type == "OrderCancelled") {
      auto r = inventory_.ReleaseInTx(tx, order_id, "cancelled");
      if (!r) return r.error();
      return Ok();
    }
    auto r = inventory_.CommitInTx(tx, order_id);
    if (!r) return r.error();
    return Ok();
  });
}

void OrderConsumer::SubscribeTo(events::Bus& bus) {
  bus.Subscribe(std::string(kOrdersTopic), std::string(kConsumerName),
                [this](const events::Envelope& e) { return Handle(e); });
}

}  // namespace shop::product::infra
