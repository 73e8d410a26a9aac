// The order-service's event consumers (consumer name "order-service"):
//   topic "inventory": InventoryReserved, InventoryReservationFailed, InventoryReleased
//   topic "payments":  PaymentSucceeded, PaymentFailed, PaymentRefunded
// Each parses the payload and calls app::Saga (idempotent by event_id). Other event types are
// acknowledged and ignored; a malformed payload is logged and acknowledged (redelivering it cannot
// help); a database failure is returned so the bus redelivers the event.
#pragma once

#include "app/saga.hpp"
#include "shop/events/event.hpp"

namespace shop::order::infra {

Result<void> HandleInventoryEvent(app::Saga& saga, const events::Envelope& e);
Result<void> HandlePaymentEvent(app::Saga& saga, const events::Envelope& e);

// Subscribes both handlers on `bus`; `saga` must outlive the bus's delivery.
void SubscribeConsumers(events::Bus& bus, app::Saga& saga);

}  // namespace shop::order::infra
