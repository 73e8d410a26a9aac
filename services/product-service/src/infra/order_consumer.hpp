// OrderConsumer: the product-service's subscription to topic "orders" (consumer "product-service").
//   OrderCreated   -> reserve every line or none -> InventoryReserved | InventoryReservationFailed
//   OrderCancelled -> release held stock         -> InventoryReleased{reason:"cancelled"}
//   OrderPaid      -> commit held stock (on_hand and reserved drop)
// Each handler records the event id in the inbox inside the same transaction as its effect, so a
// redelivered event changes nothing. Other event types are ignored. Runs on the bus's thread.
#pragma once

#include <string_view>

#include "app/inventory_service.hpp"
#include "shop/events/event.hpp"

namespace shop::product::infra {

inline constexpr std::string_view kConsumerName = "product-service";

class OrderConsumer {
 public:
  OrderConsumer(db::Database& db, InventoryService& inventory) : db_(db), inventory_(inventory) {}

  // An error means "not handled; redeliver" (the transaction was rolled back).
  Result<void> Handle(const events::Envelope& e);
  void SubscribeTo(events::Bus& bus);

 private:
  db::Database& db_;
  InventoryService& inventory_;
};

}  // namespace shop::product::infra
