#include "infra/http_order_client.hpp"

#include "shop/json/json.hpp"
#include "shop/observability/log.hpp"

namespace shop::payment::infra {
namespace {

Error BadGateway(std::string detail) { return {Errc::kBadGateway, std::move(detail)}; }

}  // namespace

Result<domain::OrderSnapshot> ParseOrder(std::string_view body) {
  auto obj = json::ParseObject(body);
  if (!obj) return BadGateway("order-service sent a malformed order");
  domain::OrderSnapshot o;
  auto text = [&](std::string_view key, std::string& out) {
    const auto* v = obj->if_contains(key);
    if (!v || !v->is_string()) return false;
    out = std::string(v->get_string());
    return true;
  };
  const auto* total = obj->if_contains("total_cents");
  if (!text("id", o.id) || !text("user_id", o.user_id) || !text("status", o.status) ||
      !text("currency", o.currency) || !total || !total->is_int64()) {
    return BadGateway("order-service sent an order without id, user_id, status, total_cents or currency");
  }
  o.total_cents = total->get_int64();
  return o;
}

Result<domain::OrderSnapshot> HttpOrderClient::Get(std::string_view order_id, const app::Caller& caller) {
  auto call = http::MakeCall(http::Method::kGet, "/api/v1/orders/" + std::string(order_id), caller.trace, {},
                             caller.authorization);
  const http::Response res = upstream_().SendBlocking(std::move(call));
  switch (res.status) {
    case 200: return ParseOrder(res.body);
    case 401: return Error::Unauthenticated("the order-service did not accept the caller's token");
    case 403:
    case 404: return Error::NotFound("order not found");
    default: break;
  }
  log::Warn("order-service call failed", {{"status", static_cast<std::int64_t>(res.status)},
                                          {"request_id", std::string_view(caller.trace.request_id)}});
  if (res.status >= 500 || res.status == 429) return Error::Unavailable("order-service unavailable", 1);
  return BadGateway("order-service answered " + std::to_string(res.status));
}

}  // namespace shop::payment::infra
