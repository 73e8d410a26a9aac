// The order-service's HTTP routes (blocking handlers, run on the Module's worker pool):
//   GET    /api/v1/cart                       PUT /api/v1/cart/items/{product_id}
//   DELETE /api/v1/cart/items/{product_id}
//   POST   /api/v1/orders (Idempotency-Key)   GET /api/v1/orders   GET /api/v1/orders/{id}
//   POST   /api/v1/orders/{id}/cancel | /ship | /deliver
// Handlers parse, call one app method and map the Result (http::Problem); the services and the
// verifier must outlive the router.
#pragma once

#include "app/cart_service.hpp"
#include "app/order_service.hpp"
#include "shop/auth/auth.hpp"
#include "shop/http/router.hpp"

namespace shop::order::api {

void MapCartRoutes(http::Router& router, app::CartService& carts, const auth::TokenVerifier& verifier);
// GET /api/v1/orders/{id} is a coroutine handler (`blocking`: the module's worker pool, used when
// the database has no asynchronous client); the other routes are blocking handlers.
void MapOrderRoutes(http::Router& router, app::OrderService& orders, const auth::TokenVerifier& verifier,
                    boost::asio::any_io_executor blocking);

}  // namespace shop::order::api
