// The events the product-service publishes (appended to the outbox in the caller's transaction):
//   topic "products":  ProductCreated / ProductUpdated {id, sku, name, price_cents, currency, category, deleted}
//   topic "inventory": InventoryReserved {order_id, expires_at}, InventoryReservationFailed
//                      {order_id, shortages:[{product_id, requested, available}]},
//                      InventoryReleased {order_id, reason}
#pragma once

#include <string_view>
#include <vector>

#include "domain/inventory.hpp"
#include "domain/product.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"

namespace shop::product {

inline constexpr std::string_view kProductsTopic = "products";
inline constexpr std::string_view kInventoryTopic = "inventory";
inline constexpr std::string_view kOrdersTopic = "orders";

Result<void> AppendProductEvent(db::Tx& tx, std::string_view type, const Product& p, const Clock& clock);
Result<void> AppendReserved(db::Tx& tx, std::string_view order_id, UnixMillis expires_at, const Clock& clock);
Result<void> AppendReservationFailed(db::Tx& tx, std::string_view order_id, const std::vector<Shortage>& shortages,
                                     const Clock& clock);
Result<void> AppendReleased(db::Tx& tx, std::string_view order_id, std::string_view reason, const Clock& clock);

}  // namespace shop::product
