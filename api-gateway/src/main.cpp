// api-gateway: the distributed shape's single entry point. Services are found by URL
// (USER_SERVICE_URL, PRODUCT_SERVICE_URL, ORDER_SERVICE_URL, PAYMENT_SERVICE_URL; the Kubernetes
// Service names by default in the manifests), routes may be overridden with GATEWAY_ROUTES.
#include <algorithm>
#include <cstdio>
#include <thread>
#include <vector>
#include <iostream>
#include <map>

#include "gateway.hpp"
#include "shop/http/client.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/http/server.hpp"
#include "shop/observability/log.hpp"
#include "shop/runtime/runtime.hpp"

namespace {

struct UpstreamUrls {
  std::map<std::string, std::string, std::less<>> by_service;
};

}  // namespace

int main() {
  using namespace shop;
  config::EnvReader env;
  const auto cfg = runtime::ReadProcessConfig(env, "api-gateway", 8080);
  UpstreamUrls urls;
  urls.by_service["user-service"] = env.String("USER_SERVICE_URL", "http://127.0.0.1:8001");
  urls.by_service["product-service"] = env.String("PRODUCT_SERVICE_URL", "http://127.0.0.1:8002");
  urls.by_service["order-service"] = env.String("ORDER_SERVICE_URL", "http://127.0.0.1:8003");
  urls.by_service["payment-service"] = env.String("PAYMENT_SERVICE_URL", "http://127.0.0.1:8004");
  const auto upstream_timeout_ms = env.Int("UPSTREAM_TIMEOUT_MS", 10'000, 10, 600'000);
  const auto upstream_max_conns = env.Int("UPSTREAM_MAX_CONNECTIONS", 64, 1, 10'000);
  auto routes = gateway::DefaultRoutes();
  const auto overrides = env.String("GATEWAY_ROUTES", "");
  if (auto r = env.Finish(); !r) {
    std::cerr << "api-gateway: invalid configuration: " << r.error().detail << "\n";
    return 2;
  }
  if (auto r = gateway::ApplyOverrides(routes, overrides); !r) {
    std::cerr << "api-gateway: invalid configuration: " << r.error().detail << "\n";
    return 2;
  }
  if (auto r = runtime::InitProcess(cfg); !r) {
    std::cerr << "api-gateway: " << r.error().detail << "\n";
    return 2;
  }

  http::Module module("api-gateway", 1);
  module.MountOperations();
  http::Pipeline pipeline({.service = "api-gateway"}, [&module](http::Request& r) { return module.Dispatch(r); });
  const http::ServerOptions so = runtime::ServerOptionsFrom(cfg);
  http::Server server(so, [&pipeline](http::Request& r) { return pipeline.Handle(r); });

  // One pooled client per service and I/O thread, so that a proxied request never leaves its
  // thread; UPSTREAM_MAX_CONNECTIONS is the total per service, split evenly (at least 1 each).
  std::vector<boost::asio::any_io_executor> io_executors;
  const int io_threads = so.io_threads > 0 ? so.io_threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < io_threads; ++i) {
    auto ex = server.executor();  // round-robin over the I/O threads
    if (std::find(io_executors.begin(), io_executors.end(), ex) == io_executors.end()) io_executors.push_back(ex);
  }
  const auto per_thread_conns =
      std::max<std::size_t>(1, static_cast<std::size_t>(upstream_max_conns) / io_executors.size());
  std::map<std::string, std::unique_ptr<http::Upstream>, std::less<>> upstreams;
  for (const auto& [service, url] : urls.by_service) {
    http::ClientOptions co;
    co.base_url = url;
    co.request_timeout = std::chrono::milliseconds(upstream_timeout_ms);
    co.max_connections = per_thread_conns;
    std::vector<gateway::PerExecutorUpstream::Part> parts;
    for (const auto& ex : io_executors) parts.emplace_back(ex, http::MakeHttpUpstream(ex, co));
    upstreams.emplace(service, std::make_unique<gateway::PerExecutorUpstream>(std::move(parts)));
  }
  auto lookup = [&upstreams](std::string_view s) -> http::Upstream* {
    auto it = upstreams.find(s);
    return it == upstreams.end() ? nullptr : it->second.get();
  };
  auto jwks_slot = std::make_shared<std::atomic<runtime::JwksRefresher*>>(nullptr);
  auto verifier = std::make_shared<auth::TokenVerifier>(std::make_shared<auth::KeySet>(),
                                                        runtime::JwksRefresher::OptionsFor(jwks_slot));
  runtime::JwksRefresher jwks(*upstreams.at("user-service"), verifier);
  jwks_slot->store(&jwks);
  // Not ready until the JWKS has arrived: the early token check would refuse valid tokens.
  module.SetReadinessProbe([&jwks] { return jwks.HasKeys(); });
  gateway::Gateway gw(routes, lookup, verifier);
  gw.Mount(module);

  if (auto r = server.Start(); !r) {
    std::cerr << "api-gateway: cannot listen on " << cfg.host << ":" << cfg.port << ": " << r.error().detail << "\n";
    return 1;
  }
  jwks.Start();
  std::printf("api-gateway listening on http://%s:%u\n", cfg.host.c_str(), server.port());
  std::fflush(stdout);
  server.WaitForSignal();
  jwks_slot->store(nullptr);
  jwks.Stop();
  module.Stop();
  log::Flush();
  return 0;
}
