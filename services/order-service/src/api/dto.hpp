// The order-service's JSON shapes (API-CONTRACT "Cart and orders"): request bodies parsed into app
// commands (wrong JSON types -> kBadRequest, invalid values -> kInvalid with per-field errors;
// unknown fields, such as a client-sent price, are ignored) and responses rendered from app values.
#pragma once

#include <boost/json/object.hpp>

#include "app/cart_service.hpp"
#include "app/order_service.hpp"

namespace shop::order::api {

// {"items":[{"product_id","quantity"}], "shipping_address":{...}} or {"from_cart":true, "shipping_address":{...}}
Result<app::PlaceOrderCommand> ParsePlaceOrder(const boost::json::object& body);
// {"quantity": 0..100}
Result<std::int64_t> ParseCartQuantity(const boost::json::object& body);

// {id, user_id, status, items, total_cents, currency, shipping_address, created_at, updated_at}
// + failure_reason/failure_detail (REJECTED), payment_id (once paid), last_payment_error.
boost::json::object OrderJson(const domain::Order& o);
std::string RenderOrder(const domain::Order& o);
// {"items":[...], "next_cursor": "..."|null}
boost::json::object OrderPageJson(const app::OrderPage& page);
// {"items":[{product_id, quantity, name, unit_price_cents, line_total_cents, currency}], "total_cents",
//  "currency", "unavailable":[product ids]}
boost::json::object CartJson(const app::CartView& cart);

}  // namespace shop::order::api
