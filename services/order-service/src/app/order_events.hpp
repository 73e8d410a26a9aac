// The events the order-service publishes on topic "orders" (key: order id), built as outbox
// envelopes. Payloads (API-CONTRACT "Events"):
//   OrderCreated          {order_id, user_id, items:[{product_id, sku, name, unit_price_cents, quantity}],
//                          total_cents, currency}
//   OrderCancelled        {order_id, reason}            reason: "customer" | "admin" | "expired"
//   OrderPaid             {order_id, payment_id}
//   OrderPaymentRejected  {order_id, payment_id, reason} (a payment for an order that can no longer
//                          be paid: the payment-service refunds it)
//   OrderShipped / OrderDelivered {order_id}
#pragma once

#include <string_view>

#include "domain/order.hpp"
#include "shop/core/time.hpp"
#include "shop/events/event.hpp"

namespace shop::order::app {

inline constexpr std::string_view kOrdersTopic = "orders";

events::Envelope OrderCreated(const domain::Order& o, const Clock& clock);
events::Envelope OrderCancelled(const domain::Order& o, std::string_view reason, const Clock& clock);
events::Envelope OrderPaid(const domain::Order& o, const Clock& clock);
events::Envelope OrderPaymentRejected(std::string_view order_id, std::string_view payment_id, std::string_view reason,
                                      const Clock& clock);
events::Envelope OrderShipped(const domain::Order& o, const Clock& clock);
events::Envelope OrderDelivered(const domain::Order& o, const Clock& clock);

}  // namespace shop::order::app
