// OrderClient over HTTP: GET /api/v1/orders/{id} on the order-service's Upstream (in-process in the
// all-in-one, pooled HTTP client in a service binary), forwarding the caller's Authorization header,
// request id and traceparent. The order-service answers 404 for another user's order, so only the
// owner can read (and pay) it.
//
// Mapping: 200 -> snapshot; 404/403 -> kNotFound; 401 -> kUnauthenticated; 5xx or no connection ->
// kUnavailable (Retry-After 1); a malformed answer -> kBadGateway. Blocking: call from a worker.
#pragma once

#include <functional>

#include "app/ports.hpp"
#include "shop/http/upstream.hpp"

namespace shop::payment::infra {

class HttpOrderClient final : public app::OrderClient {
 public:
  // `upstream` is resolved on first use (the order-service module may be mounted after this one).
  explicit HttpOrderClient(std::function<http::Upstream&()> upstream) : upstream_(std::move(upstream)) {}
  Result<domain::OrderSnapshot> Get(std::string_view order_id, const app::Caller& caller) override;

 private:
  std::function<http::Upstream&()> upstream_;
};

// Parses an order-service order body ({"id","user_id","status","total_cents","currency",...}).
Result<domain::OrderSnapshot> ParseOrder(std::string_view body);

}  // namespace shop::payment::infra
