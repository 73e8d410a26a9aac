#include "app/order_events.hpp"

#include <boost/json/array.hpp>

namespace shop::order::app {
namespace {

events::Envelope Make(std::string_view type, std::string_view order_id, boost::json::object data,
                      const Clock& clock) {
  return events::Make(std::string(kOrdersTopic), std::string(type), std::string(order_id), std::move(data), clock);
}

}  // namespace

events::Envelope OrderCreated(const domain::Order& o, const Clock& clock) {
  boost::json::array items;
  for (const auto& l : o.items) {
    items.push_back(boost::json::object{{"product_id", l.product_id},
                                        {"sku", l.sku},
                                        {"name", l.name},
                                        {"unit_price_cents", l.unit_price_cents},
                                        {"quantity", l.quantity}});
  }
  return Make("OrderCreated", o.id,
              {{"order_id", o.id},
               {"user_id", o.user_id},
               {"items", std::move(items)},
               {"total_cents", o.total_cents},
               {"currency", o.currency}},
              clock);
}

events::Envelope OrderCancelled(const domain::Order& o, std::string_view reason, const Clock& clock) {
  return Make("OrderCancelled", o.id, {{"order_id", o.id}, {"reason", reason}}, clock);
}

events::Envelope OrderPaid(const domain::Order& o, const Clock& clock) {
  return Make("OrderPaid", o.id, {{"order_id", o.id}, {"payment_id", o.payment_id.value_or("")}}, clock);
}

events::Envelope OrderPaymentRejected(std::string_view order_id, std::string_view payment_id, std::string_view reason,
                                      const Clock& clock) {
  return Make("OrderPaymentRejected", order_id,
              {{"order_id", order_id}, {"payment_id", payment_id}, {"reason", reason}}, clock);
}

events::Envelope OrderShipped(const domain::Order& o, const Clock& clock) {
  return Make("OrderShipped", o.id, {{"order_id", o.id}}, clock);
}

events::Envelope OrderDelivered(const domain::Order& o, const Clock& clock) {
  return Make("OrderDelivered", o.id, {{"order_id", o.id}}, clock);
}

}  // namespace shop::order::app
