#include "gateway.hpp"

#include <algorithm>
#include <stdexcept>

#include <boost/asio/this_coro.hpp>

#include "shop/core/strings.hpp"
#include "shop/failpoint/failpoint.hpp"
#include "shop/http/problem.hpp"

namespace shop::gateway {
namespace {

constexpr std::string_view kUsers = "user-service";
constexpr std::string_view kProducts = "product-service";
constexpr std::string_view kOrders = "order-service";
constexpr std::string_view kPayments = "payment-service";

bool PrefixMatches(std::string_view path, std::string_view prefix) {
  if (path.substr(0, prefix.size()) != prefix) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '/' || prefix.back() == '/';
}

std::string OutgoingTarget(std::string_view path, std::string_view query) {
  std::string t(path);
  if (!query.empty()) {
    t.push_back('?');
    t.append(query);
  }
  return t;
}

}  // namespace

RouteTable DefaultRoutes() {
  RouteTable t;
  t.prefixes = {
      {"/api/v1/auth", std::string(kUsers)},         {"/api/v1/users", std::string(kUsers)},
      {"/.well-known/jwks.json", std::string(kUsers)}, {"/api/v1/products", std::string(kProducts)},
      {"/api/v1/categories", std::string(kProducts)}, {"/api/v1/inventory", std::string(kProducts)},
      {"/api/v1/cart", std::string(kOrders)},         {"/api/v1/orders", std::string(kOrders)},
      {"/api/v1/payments", std::string(kPayments)},
  };
  t.seed = {{"users", std::string(kUsers)},
            {"products", std::string(kProducts)},
            {"orders", std::string(kOrders)},
            {"payments", std::string(kPayments)}};
  return t;
}

Result<void> ApplyOverrides(RouteTable& table, std::string_view spec) {
  for (auto entry : Split(spec, ',')) {
    entry = Trim(entry);
    if (entry.empty()) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || eq == 0 || entry[0] != '/' || eq + 1 == entry.size()) {
      return Error::Invalid("GATEWAY_ROUTES", "entry '" + std::string(entry) + "' is not /prefix=service-name");
    }
    std::string prefix(entry.substr(0, eq)), service(entry.substr(eq + 1));
    auto it = std::find_if(table.prefixes.begin(), table.prefixes.end(),
                           [&](const auto& p) { return p.first == prefix; });
    if (it != table.prefixes.end()) {
      it->second = service;
    } else {
      table.prefixes.emplace_back(std::move(prefix), std::move(service));
    }
  }
  return Ok();
}

std::optional<Target> Resolve(const RouteTable& table, std::string_view path) {
  const std::pair<std::string, std::string>* best = nullptr;
  for (const auto& p : table.prefixes) {
    if (PrefixMatches(path, p.first) && (!best || p.first.size() > best->first.size())) best = &p;
  }
  if (best) {
    return Target{best->second, std::string(path), path.size() > best->first.size() ? best->first + "/*" : best->first};
  }
  // Seed style: /{service}/{path} -> that service's /api/v1/{path}
  if (path.size() > 1 && path[0] == '/') {
    const auto rest = path.substr(1);
    const auto slash = rest.find('/');
    if (slash != std::string_view::npos && slash + 1 < rest.size()) {
      const auto first = rest.substr(0, slash);
      const auto tail = rest.substr(slash + 1);
      for (const auto& s : table.seed) {
        if (s.first != first) continue;
        // /{service}/health and /{service}/ready reach that service's own probes.
        const std::string route = "/" + std::string(first) + "/*";
        if (tail == "health" || tail == "ready") return Target{s.second, "/" + std::string(tail), route};
        return Target{s.second, "/api/v1/" + std::string(tail), route};
      }
    }
  }
  return std::nullopt;
}

PerExecutorUpstream::PerExecutorUpstream(std::vector<Part> parts)
    : Upstream(parts.empty() ? boost::asio::any_io_executor{} : parts.front().first), parts_(std::move(parts)) {
  if (parts_.empty()) throw std::invalid_argument("PerExecutorUpstream needs at least one part");
}

Task<http::Response> PerExecutorUpstream::Send(http::Request req) {
  const auto ex = co_await boost::asio::this_coro::executor;
  http::Upstream* part = nullptr;
  for (const auto& [part_ex, up] : parts_) {
    if (part_ex == ex) {
      part = up.get();
      break;
    }
  }
  if (!part) part = parts_[next_.fetch_add(1, std::memory_order_relaxed) % parts_.size()].second.get();
  co_return co_await part->Send(std::move(req));
}

Gateway::Gateway(RouteTable table, UpstreamLookup upstreams, std::shared_ptr<const auth::TokenVerifier> verifier)
    : table_(std::move(table)), upstreams_(std::move(upstreams)), verifier_(std::move(verifier)) {}

void Gateway::Mount(http::Module& module) {
  for (auto m : {http::Method::kGet, http::Method::kPost, http::Method::kPut, http::Method::kPatch,
                 http::Method::kDelete}) {
    module.router().AddAsync(m, "/{path*}", [this](http::Request& r) { return Proxy(r); });
  }
}

Task<http::Response> Gateway::Proxy(http::Request& req) const {
  auto target = Resolve(table_, req.path);
  if (!target) co_return http::Problem(Error::NotFound("no service serves " + req.path), req.ctx.request_id);
  req.route = target->route;  // the access log and the gateway's metrics name the upstream route
  http::Upstream* upstream = upstreams_(target->service);
  if (!upstream) {
    co_return http::Problem(Error::Unavailable(target->service + " is not configured"), req.ctx.request_id);
  }
  if (verifier_ && req.Header("Authorization")) {
    // Early filter only: a bad token never reaches a service, a good one is verified there again
    // (from the verifier's cache, so the second check is a hash look-up).
    if (auto p = auth::Authenticate(req, *verifier_); !p) co_return http::Problem(p.error(), req.ctx.request_id);
  }

  // Test hook (off unless FAILPOINTS names it): holds a request inside the gateway so that the
  // graceful-shutdown test has a request in flight. A sleep here stalls one I/O thread; never
  // configure it in production.
  if (auto fp = failpoint::Hit("gateway.slow_path"); !fp) co_return http::Problem(fp.error(), req.ctx.request_id);

  http::Request out;
  out.method = req.method;
  out.method_name = req.method_name;
  out.SetTarget(OutgoingTarget(target->path, req.query));
  out.headers = req.headers;
  out.body = req.body;
  out.remote_addr = req.remote_addr;
  out.ctx = req.ctx;
  out.headers.Set("X-Request-Id", req.ctx.request_id);
  out.headers.Set("traceparent", req.ctx.Traceparent());
  std::string xff(req.Header("X-Forwarded-For").value_or(""));
  if (!req.remote_addr.empty()) xff = xff.empty() ? req.remote_addr : xff + ", " + req.remote_addr;
  if (!xff.empty()) out.headers.Set("X-Forwarded-For", std::move(xff));
  auto res = co_await upstream->Send(std::move(out));
  // The gateway's own middleware sets these for the client; drop the upstream's copies.
  res.headers.Remove("X-Request-Id");
  res.headers.Remove("traceparent");
  res.headers.Remove("Connection");
  res.headers.Remove("Keep-Alive");
  res.headers.Remove("Transfer-Encoding");
  co_return res;
}

}  // namespace shop::gateway
