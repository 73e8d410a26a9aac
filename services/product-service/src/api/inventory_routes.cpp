#include "api/dto.hpp"
#include "api/routes.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::product::api {
namespace {

using Verifier = std::shared_ptr<const auth::TokenVerifier>;

http::Response GetStock(InventoryService& inventory, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return http::Problem(a.error(), req.ctx.request_id);
  auto s = inventory.Get(req.Param("product_id"));
  if (!s) return http::Problem(s.error(), req.ctx.request_id);
  return json::Reply(200, ToJson(*s));
}

http::Response PutStock(InventoryService& inventory, const Verifier& v, const http::Request& req) {
  if (auto a = CheckAdmin(req, v.get()); !a) return http::Problem(a.error(), req.ctx.request_id);
  auto on_hand = ParseOnHand(req);
  if (!on_hand) return http::Problem(on_hand.error(), req.ctx.request_id);
  auto s = inventory.SetOnHand(req.Param("product_id"), *on_hand);
  if (!s) return http::Problem(s.error(), req.ctx.request_id);
  return json::Reply(200, ToJson(*s));
}

}  // namespace

void MapInventoryRoutes(http::Router& router, InventoryService& inventory, Verifier verifier) {
  router.Get("/api/v1/inventory/{product_id}",
             [&inventory, verifier](http::Request& r) { return GetStock(inventory, verifier, r); });
  router.Put("/api/v1/inventory/{product_id}",
             [&inventory, verifier](http::Request& r) { return PutStock(inventory, verifier, r); });
}

}  // namespace shop::product::api
