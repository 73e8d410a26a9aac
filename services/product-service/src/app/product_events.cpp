#include "app/product_events.hpp"

#include <boost/json/array.hpp>

#include "shop/events/event.hpp"

namespace shop::product {
namespace {

Result<void> AppendOn(db::Tx& tx, std::string_view topic, std::string_view type, std::string_view key,
                      boost::json::object data, const Clock& clock) {
  return events::Append(tx,
                        events::Make(std::string(topic), std::string(type), std::string(key), std::move(data), clock));
}

}  // namespace

Result<void> AppendProductEvent(db::Tx& tx, std::string_view type, const Product& p, const Clock& clock) {
  boost::json::object d;
  d["id"] = p.id;
  d["sku"] = p.fields.sku;
  d["name"] = p.fields.name;
  d["price_cents"] = p.fields.price_cents;
  d["currency"] = p.fields.currency;
  d["category"] = p.fields.category;
  d["deleted"] = p.deleted;
  return AppendOn(tx, kProductsTopic, type, p.id, std::move(d), clock);
}

Result<void> AppendReserved(db::Tx& tx, std::string_view order_id, UnixMillis expires_at, const Clock& clock) {
  boost::json::object d;
  d["order_id"] = order_id;
  d["expires_at"] = FormatRfc3339(expires_at);
  return AppendOn(tx, kInventoryTopic, "InventoryReserved", order_id, std::move(d), clock);
}

Result<void> AppendReservationFailed(db::Tx& tx, std::string_view order_id, const std::vector<Shortage>& shortages,
                                     const Clock& clock) {
  boost::json::array arr;
  for (const auto& s : shortages) {
    boost::json::object o;
    o["product_id"] = s.product_id;
    o["requested"] = s.requested;
    o["available"] = s.available;
    arr.push_back(std::move(o));
  }
  boost::json::object d;
  d["order_id"] = order_id;
  d["shortages"] = std::move(arr);
  return AppendOn(tx, kInventoryTopic, "InventoryReservationFailed", order_id, std::move(d), clock);
}

Result<void> AppendReleased(db::Tx& tx, std::string_view order_id, std::string_view reason, const Clock& clock) {
  boost::json::object d;
  d["order_id"] = order_id;
  d["reason"] = reason;
  return AppendOn(tx, kInventoryTopic, "InventoryReleased", order_id, std::move(d), clock);
}

}  // namespace shop::product
