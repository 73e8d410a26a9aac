// The API gateway: the single public entry point. It routes /api/v1/<resource>/... to the owning
// service by a route table, and the seed's /{service}/{path} to that service's /api/v1/{path};
// forwards method, path, query, body and end-to-end headers; adds X-Request-Id, traceparent and
// X-Forwarded-For; and rejects a request whose bearer token fails verification before it reaches a
// service (an early filter: every service checks the token again).
//
// Upstreams are http::Upstream: in-process modules in the all-in-one, pooled HTTP clients in the
// distributed shape. Upstream failures arrive as problem responses (503 refused, 504 timeout, 502
// malformed) and are passed on; the gateway keeps serving. Thread-safe after construction.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "shop/auth/auth.hpp"
#include "shop/core/error.hpp"
#include "shop/http/module.hpp"
#include "shop/http/upstream.hpp"

namespace shop::gateway {

struct RouteTable {
  // Path prefix ("/api/v1/products") -> service name ("product-service"). Longest prefix wins.
  std::vector<std::pair<std::string, std::string>> prefixes;
  // Seed-style first segment ("products") -> service name.
  std::vector<std::pair<std::string, std::string>> seed;
};

RouteTable DefaultRoutes();

// Applies GATEWAY_ROUTES overrides: "prefix=service,prefix=service" (a prefix starting with '/').
// Errors name the bad entry.
Result<void> ApplyOverrides(RouteTable& table, std::string_view spec);

// The service for a path and the path to send it ("/products/products/7" -> product-service,
// "/api/v1/products/7"); /{service}/health and /{service}/ready reach that service's own probes.
// nullopt when no route matches.
struct Target {
  std::string service;
  std::string path;
  // The matched route for logs and metrics, of bounded cardinality: the prefix, with "/*" when the
  // path goes on below it ("/api/v1/products/*"), or the seed-style "/{service}/*" form.
  std::string route;
};
std::optional<Target> Resolve(const RouteTable& table, std::string_view path);

using UpstreamLookup = std::function<http::Upstream*(std::string_view service)>;

// One upstream per I/O executor (each a pooled client bound to that executor): Send() picks the
// part whose executor the caller runs on, so a proxied request stays on its I/O thread (no hop to
// another thread and back); a caller on any other executor gets the parts in turn. Each part has
// its own connection pool, so the bound on connections is the sum of the parts' (main.cpp splits
// UPSTREAM_MAX_CONNECTIONS evenly across the I/O threads: a total, not per thread).
// Thread-safe when the parts are; the parts' executors must outlive it.
class PerExecutorUpstream final : public http::Upstream {
 public:
  using Part = std::pair<boost::asio::any_io_executor, std::unique_ptr<http::Upstream>>;
  // `parts` must not be empty; the first part's executor is this upstream's (SendBlocking's).
  explicit PerExecutorUpstream(std::vector<Part> parts);
  Task<http::Response> Send(http::Request req) override;
  const std::vector<Part>& parts() const { return parts_; }

 private:
  std::vector<Part> parts_;
  mutable std::atomic<std::size_t> next_{0};
};

class Gateway {
 public:
  // `verifier` may be null (no early token check).
  Gateway(RouteTable table, UpstreamLookup upstreams, std::shared_ptr<const auth::TokenVerifier> verifier);

  // Mounts the catch-all proxy on `module` (after its own /health, /ready, /metrics).
  void Mount(http::Module& module);

  Task<http::Response> Proxy(http::Request& req) const;

 private:
  RouteTable table_;
  UpstreamLookup upstreams_;
  std::shared_ptr<const auth::TokenVerifier> verifier_;
};

}  // namespace shop::gateway
