#include "api/dto.hpp"
#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::order::api {
namespace {

http::Response Fail(const Error& e, const http::Request& req) { return http::Problem(e, req.ctx.request_id); }

http::Response GetCart(app::CartService& carts, const auth::TokenVerifier& verifier, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  auto cart = carts.Get(actor->user_id, req.ctx);
  if (!cart) return Fail(cart.error(), req);
  return json::Reply(200, CartJson(*cart));
}

// Answers with the updated cart.
http::Response PutItem(app::CartService& carts, const auth::TokenVerifier& verifier, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  auto quantity = ParseCartQuantity(*body);
  if (!quantity) return Fail(quantity.error(), req);
  if (auto set = carts.Set(actor->user_id, req.Param("product_id"), *quantity, req.ctx); !set) {
    return Fail(set.error(), req);
  }
  return GetCart(carts, verifier, req);
}

http::Response DeleteItem(app::CartService& carts, const auth::TokenVerifier& verifier, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (auto removed = carts.Remove(actor->user_id, req.Param("product_id")); !removed) {
    return Fail(removed.error(), req);
  }
  return http::Response::NoContent();
}

}  // namespace

void MapCartRoutes(http::Router& router, app::CartService& carts, const auth::TokenVerifier& verifier) {
  auto* c = &carts;
  const auto* v = &verifier;
  router.Get("/api/v1/cart", [c, v](http::Request& r) { return GetCart(*c, *v, r); });
  router.Put("/api/v1/cart/items/{product_id}", [c, v](http::Request& r) { return PutItem(*c, *v, r); });
  router.Delete("/api/v1/cart/items/{product_id}", [c, v](http::Request& r) { return DeleteItem(*c, *v, r); });
}

}  // namespace shop::order::api
