#include "api/dto.hpp"
#include "api/request_helpers.hpp"
#include "api/routes.hpp"
#include "shop/http/problem.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "shop/json/json.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::order::api {
namespace {

constexpr int kCreated = 201;

http::Response Fail(const Error& e, const http::Request& req) { return http::Problem(e, req.ctx.request_id); }

http::Response PlaceOrder(app::OrderService& orders, const auth::TokenVerifier& verifier, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  auto cmd = ParsePlaceOrder(*body);
  if (!cmd) return Fail(cmd.error(), req);
  auto key = idempotency::KeyOf(req);
  if (!key) return Fail(key.error(), req);
  std::optional<app::IdempotencyScope> idem;
  if (*key) idem = app::IdempotencyScope{**key, idempotency::Fingerprint(req)};

  std::string order_id;
  auto render = [&order_id](const domain::Order& o) {
    order_id = o.id;
    return app::Rendered{kCreated, RenderOrder(o)};
  };
  auto out = orders.Place(*actor, *cmd, idem, render, req.ctx);
  if (!out) return Fail(out.error(), req);
  if (out->replayed) return idempotency::Replay({out->response.status, std::move(out->response.body)});
  metrics::Inc("shop_orders_placed_total", {});
  auto res = http::Response::Json(out->response.status, std::move(out->response.body));
  res.headers.Set("Location", "/api/v1/orders/" + order_id);
  return res;
}

// A coroutine on the I/O thread (the most polled read): the token check is CPU only (cached
// verifications), the read never blocks the thread (OrderService::GetAsync).
Task<http::Response> GetOrder(app::OrderService& orders, const auth::TokenVerifier& verifier,
                              boost::asio::any_io_executor blocking, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) co_return Fail(actor.error(), req);
  auto order = co_await orders.GetAsync(*actor, std::string(req.Param("id")), std::move(blocking));
  if (!order) co_return Fail(order.error(), req);
  co_return json::Reply(200, OrderJson(*order));
}

http::Response ListOrders(app::OrderService& orders, const auth::TokenVerifier& verifier, http::Request& req) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  auto query = ParseListQuery(req);
  if (!query) return Fail(query.error(), req);
  auto page = orders.List(*actor, *query);
  if (!page) return Fail(page.error(), req);
  return json::Reply(200, OrderPageJson(*page));
}

using Action = Result<domain::Order> (app::OrderService::*)(const app::Actor&, std::string_view);

// cancel / ship / deliver: no body or {} (other fields are ignored).
http::Response RunAction(app::OrderService& orders, const auth::TokenVerifier& verifier, http::Request& req,
                         Action action) {
  auto actor = ActorOf(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (auto body = json::ParseBody(req, /*allow_empty=*/true); !body) return Fail(body.error(), req);
  auto order = (orders.*action)(*actor, req.Param("id"));
  if (!order) return Fail(order.error(), req);
  return json::Reply(200, OrderJson(*order));
}

}  // namespace

void MapOrderRoutes(http::Router& router, app::OrderService& orders, const auth::TokenVerifier& verifier,
                    boost::asio::any_io_executor blocking) {
  auto* o = &orders;
  const auto* v = &verifier;
  router.Post("/api/v1/orders", [o, v](http::Request& r) { return PlaceOrder(*o, *v, r); });
  router.Get("/api/v1/orders", [o, v](http::Request& r) { return ListOrders(*o, *v, r); });
  router.AddAsync(http::Method::kGet, "/api/v1/orders/{id}",
                  [o, v, blocking](http::Request& r) { return GetOrder(*o, *v, blocking, r); });
  router.Post("/api/v1/orders/{id}/cancel",
              [o, v](http::Request& r) { return RunAction(*o, *v, r, &app::OrderService::Cancel); });
  router.Post("/api/v1/orders/{id}/ship",
              [o, v](http::Request& r) { return RunAction(*o, *v, r, &app::OrderService::Ship); });
  router.Post("/api/v1/orders/{id}/deliver",
              [o, v](http::Request& r) { return RunAction(*o, *v, r, &app::OrderService::Deliver); });
}

}  // namespace shop::order::api
