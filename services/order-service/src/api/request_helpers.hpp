// Small request helpers shared by the order-service handlers: who is calling, and the paging query.
#pragma once

#include "app/order_service.hpp"
#include "app/ports.hpp"
#include "shop/auth/auth.hpp"
#include "shop/http/message.hpp"

namespace shop::order::api {

// Verifies the bearer token. kUnauthenticated when missing or invalid.
Result<app::Actor> ActorOf(const http::Request& req, const auth::TokenVerifier& verifier);

// ?limit= (default 20, capped at 100; not a positive integer -> kBadRequest), ?cursor=,
// ?status= (an order status, any case; unknown -> kInvalid).
Result<app::ListQuery> ParseListQuery(const http::Request& req);

}  // namespace shop::order::api
