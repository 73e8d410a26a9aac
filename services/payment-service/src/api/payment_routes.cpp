#include "api/payment_routes.hpp"

#include <boost/json/array.hpp>

#include "api/dto.hpp"
#include "shop/core/cursor.hpp"
#include "shop/core/strings.hpp"
#include "shop/http/problem.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "shop/json/json.hpp"

namespace shop::payment::api {
namespace {

constexpr int kDefaultLimit = 20;
constexpr int kMaxLimit = 100;
constexpr std::string_view kCursorPrefix = "pay1|";

http::Response Fail(const Error& e, const http::Request& req) {
  auto res = http::Problem(e, req.ctx.request_id);
  // "reservation in progress, retry" is a 409 that tells the client when to come back.
  if (e.retry_after_s && !res.headers.Get("Retry-After")) res.headers.Set("Retry-After", std::to_string(*e.retry_after_s));
  return res;
}

app::Caller CallerOf(const auth::Principal& who, const http::Request& req) {
  return {who.user_id, who.is_admin, std::string(req.Header("Authorization").value_or("")), req.ctx};
}

app::Rendered RenderCreated(const domain::Payment& p) { return {201, json::Serialize(ToJson(p))}; }

http::Response PayHandler(const RouteDeps& d, const http::Request& req) {
  auto who = auth::Authenticate(req, *d.verifier);
  if (!who) return Fail(who.error(), req);
  auto key = idempotency::KeyOf(req);
  if (!key) return Fail(key.error(), req);
  auto cmd = ParsePayCommand(req);
  if (!cmd) return Fail(cmd.error(), req);
  std::optional<app::IdempotencyScope> scope;
  if (*key) scope = app::IdempotencyScope{**key, d.fingerprint(req)};
  auto out = d.payments.Pay(CallerOf(*who, req), *cmd, scope, RenderCreated);
  if (!out) return Fail(out.error(), req);
  if (out->replayed) return idempotency::Replay({out->response.status, out->response.body});
  auto res = http::Response::Json(out->response.status, std::move(out->response.body));
  res.headers.Set("Location", "/api/v1/payments/" + out->payment->id);
  return res;
}

http::Response GetHandler(const RouteDeps& d, const http::Request& req) {
  auto who = auth::Authenticate(req, *d.verifier);
  if (!who) return Fail(who.error(), req);
  auto p = d.payments.Get(CallerOf(*who, req), req.Param("id"));
  if (!p) return Fail(p.error(), req);
  return json::Reply(200, ToJson(*p));
}

Result<int> ParseLimit(const http::Request& req) {
  auto raw = req.QueryParam("limit");
  if (!raw) return kDefaultLimit;
  auto n = ParseInt(*raw);
  if (!n || *n < 1) return Error::BadRequest("limit must be a positive integer");
  return static_cast<int>(std::min<std::int64_t>(*n, kMaxLimit));
}

http::Response ListHandler(const RouteDeps& d, const http::Request& req) {
  auto who = auth::Authenticate(req, *d.verifier);
  if (!who) return Fail(who.error(), req);
  auto limit = ParseLimit(req);
  if (!limit) return Fail(limit.error(), req);
  app::ListFilter filter;
  filter.limit = *limit;
  if (!who->is_admin) filter.user_id = who->user_id;
  if (auto order = req.QueryParam("order_id"); order && !order->empty()) filter.order_id = std::move(*order);
  if (auto token = req.QueryParam("cursor"); token && !token->empty()) {
    auto payload = cursor::Open(*token);
    if (!payload || !payload->starts_with(kCursorPrefix)) return Fail(Error::BadRequest("invalid cursor"), req);
    filter.before_id = payload->substr(kCursorPrefix.size());
  }
  auto page = d.payments.List(filter);
  if (!page) return Fail(page.error(), req);
  boost::json::array items;
  for (const auto& p : page->items) items.push_back(ToJson(p));
  boost::json::object body{{"items", std::move(items)}, {"next_cursor", nullptr}};
  if (page->next_before_id) body["next_cursor"] = cursor::Seal(std::string(kCursorPrefix) + *page->next_before_id);
  return json::Reply(200, body);
}

http::Response RefundHandler(const RouteDeps& d, const http::Request& req) {
  auto who = auth::RequireAdmin(req, *d.verifier);
  if (!who) return Fail(who.error(), req);
  if (auto body = json::ParseBody(req, /*allow_empty=*/true); !body) return Fail(body.error(), req);
  auto p = d.payments.Refund(req.Param("id"));
  if (!p) return Fail(p.error(), req);
  return json::Reply(200, ToJson(*p));
}

}  // namespace

void MapPaymentRoutes(http::Router& router, RouteDeps deps) {
  auto d = std::make_shared<const RouteDeps>(std::move(deps));
  router.Post("/api/v1/payments", [d](http::Request& r) { return PayHandler(*d, r); });
  router.Get("/api/v1/payments", [d](http::Request& r) { return ListHandler(*d, r); });
  router.Get("/api/v1/payments/{id}", [d](http::Request& r) { return GetHandler(*d, r); });
  router.Post("/api/v1/payments/{id}/refund", [d](http::Request& r) { return RefundHandler(*d, r); });
}

}  // namespace shop::payment::api
