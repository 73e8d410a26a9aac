// The payment-service's consumer of topic "orders" (consumer name "payment-service"). It acts on one
// event type, OrderPaymentRejected {order_id, payment_id}: the order could no longer take a payment
// that went through (cancelled or expired meanwhile), so the payment is refunded (the saga's
// compensation). Idempotent by event_id (inbox in the refund's transaction). Other order events are
// acknowledged and ignored. Runs on the bus's delivery thread (blocking is fine there).
#pragma once

#include "app/payment_service.hpp"
#include "shop/events/event.hpp"

namespace shop::payment::infra {

// Handles one event from topic "orders".
Result<void> HandleOrderEvent(app::PaymentService& payments, const events::Envelope& e);

void SubscribeOrderEvents(events::Bus& bus, app::PaymentService& payments);

}  // namespace shop::payment::infra
