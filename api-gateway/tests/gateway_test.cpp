#include "gateway.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <stdexcept>

#include "shop/http/problem.hpp"
#include "shop/testing/testing.hpp"

namespace shop::gateway {
namespace {

// Records what reached it and answers with a canned response.
class RecordingUpstream final : public http::Upstream {
 public:
  explicit RecordingUpstream(boost::asio::io_context& io) : Upstream(io.get_executor()) {}
  Task<http::Response> Send(http::Request req) override {
    last = std::move(req);
    ++calls;
    co_return reply;
  }
  http::Request last;
  int calls = 0;
  http::Response reply = http::Response::Json(200, R"({"ok":true})");
};

struct GatewayHarness {
  boost::asio::io_context io;
  std::map<std::string, std::unique_ptr<RecordingUpstream>, std::less<>> ups;
  std::unique_ptr<Gateway> gw;

  explicit GatewayHarness(std::shared_ptr<const auth::TokenVerifier> verifier = nullptr) {
    for (auto s : {"user-service", "product-service", "order-service", "payment-service"}) {
      ups.emplace(s, std::make_unique<RecordingUpstream>(io));
    }
    gw = std::make_unique<Gateway>(
        DefaultRoutes(),
        [this](std::string_view s) -> http::Upstream* {
          auto it = ups.find(s);
          return it == ups.end() ? nullptr : it->second.get();
        },
        std::move(verifier));
  }

  http::Response Call(http::Method m, std::string target, std::string body = {}) {
    http::Request req;
    req.method = m;
    req.SetTarget(std::move(target));
    req.body = std::move(body);
    req.remote_addr = "203.0.113.7";
    req.ctx.request_id = "req-1";
    req.ctx.trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    req.ctx.span_id = "00f067aa0ba902b7";
    req.headers.Add("Connection", "keep-alive");
    req.headers.Add("Content-Type", "application/json");
    auto res = testing::RunAwait(gw->Proxy(req));
    last_route = req.route;
    return res;
  }
  std::string last_route;  // what the access log and the metrics name the last request
};

TEST(GatewayRoutesTest, ResolvesEachResourceToItsService) {
  const auto t = DefaultRoutes();
  EXPECT_EQ(Resolve(t, "/api/v1/auth/login")->service, "user-service");
  EXPECT_EQ(Resolve(t, "/api/v1/users/me")->service, "user-service");
  EXPECT_EQ(Resolve(t, "/.well-known/jwks.json")->service, "user-service");
  EXPECT_EQ(Resolve(t, "/api/v1/products")->service, "product-service");
  EXPECT_EQ(Resolve(t, "/api/v1/categories")->service, "product-service");
  EXPECT_EQ(Resolve(t, "/api/v1/inventory/abc")->service, "product-service");
  EXPECT_EQ(Resolve(t, "/api/v1/cart/items/x")->service, "order-service");
  EXPECT_EQ(Resolve(t, "/api/v1/orders/1/cancel")->service, "order-service");
  EXPECT_EQ(Resolve(t, "/api/v1/payments")->service, "payment-service");
}

TEST(GatewayRoutesTest, RouteForLogsAndMetricsHasBoundedCardinality) {
  const auto t = DefaultRoutes();
  EXPECT_EQ(Resolve(t, "/api/v1/products/0190f7a2-aaaa")->route, "/api/v1/products/*");
  EXPECT_EQ(Resolve(t, "/api/v1/products/0190f7a2-bbbb")->route, "/api/v1/products/*");
  EXPECT_EQ(Resolve(t, "/api/v1/products")->route, "/api/v1/products");
  EXPECT_EQ(Resolve(t, "/products/products/42")->route, "/products/*");
  EXPECT_EQ(Resolve(t, "/orders/health")->route, "/orders/*");
}

TEST(GatewayRoutesTest, PrefixMustEndAtASegmentBoundary) {
  const auto t = DefaultRoutes();
  EXPECT_FALSE(Resolve(t, "/api/v1/productsX"));
  EXPECT_FALSE(Resolve(t, "/api/v2/products"));
  EXPECT_FALSE(Resolve(t, "/"));
}

TEST(GatewayRoutesTest, SeedStyleRoutesRewriteToApiV1) {
  const auto t = DefaultRoutes();
  auto r = Resolve(t, "/products/products/42");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->service, "product-service");
  EXPECT_EQ(r->path, "/api/v1/products/42");
  r = Resolve(t, "/users/auth/login");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->service, "user-service");
  EXPECT_EQ(r->path, "/api/v1/auth/login");
  r = Resolve(t, "/orders/health");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->service, "order-service");
  EXPECT_EQ(r->path, "/health");
  EXPECT_EQ(Resolve(t, "/payments/ready")->path, "/ready");
  EXPECT_FALSE(Resolve(t, "/unknown/things"));
  EXPECT_FALSE(Resolve(t, "/orders/"));
}

TEST(GatewayRoutesTest, OverridesReplaceOrAddPrefixes) {
  auto t = DefaultRoutes();
  ASSERT_TRUE(ApplyOverrides(t, "/api/v1/products=catalog-v2, /api/v1/reviews=review-service"));
  EXPECT_EQ(Resolve(t, "/api/v1/products/1")->service, "catalog-v2");
  EXPECT_EQ(Resolve(t, "/api/v1/reviews")->service, "review-service");
  auto bad = ApplyOverrides(t, "api/v1/x=y");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().detail.find("GATEWAY_ROUTES"), std::string::npos);
}

TEST(GatewayProxyTest, ForwardsMethodPathQueryBodyAndContext) {
  GatewayHarness h;
  auto res = h.Call(http::Method::kPost, "/api/v1/orders?x=1&y=2", R"({"a":1})");
  EXPECT_EQ(res.status, 200);
  auto& up = *h.ups.at("order-service");
  ASSERT_EQ(up.calls, 1);
  EXPECT_EQ(up.last.method, http::Method::kPost);
  EXPECT_EQ(up.last.path, "/api/v1/orders");
  EXPECT_EQ(up.last.query, "x=1&y=2");
  EXPECT_EQ(up.last.body, R"({"a":1})");
  EXPECT_EQ(up.last.Header("X-Request-Id").value_or(""), "req-1");
  EXPECT_EQ(up.last.Header("traceparent").value_or(""), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  EXPECT_EQ(up.last.Header("X-Forwarded-For").value_or(""), "203.0.113.7");
  EXPECT_EQ(up.last.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(h.last_route, "/api/v1/orders");
  h.Call(http::Method::kGet, "/api/v1/orders/0190f7a2-0000-7000-8000-000000000001");
  EXPECT_EQ(h.last_route, "/api/v1/orders/*");
}

TEST(GatewayProxyTest, SeedRouteReachesServiceApiPath) {
  GatewayHarness h;
  h.Call(http::Method::kGet, "/products/products?limit=5");
  auto& up = *h.ups.at("product-service");
  ASSERT_EQ(up.calls, 1);
  EXPECT_EQ(up.last.path, "/api/v1/products");
  EXPECT_EQ(up.last.query, "limit=5");
}

TEST(GatewayProxyTest, UnknownRouteIs404Problem) {
  GatewayHarness h;
  auto res = h.Call(http::Method::kGet, "/nothing/here/at/all");
  EXPECT_EQ(res.status, 404);
  EXPECT_EQ(res.headers.Get("Content-Type").value_or(""), "application/problem+json");
  for (auto& [_, up] : h.ups) EXPECT_EQ(up->calls, 0);
}

TEST(GatewayProxyTest, UpstreamStatusAndBodyPassThroughUnchanged) {
  GatewayHarness h;
  h.ups.at("payment-service")->reply = http::Problem(Error::Conflict("order already paid"));
  auto res = h.Call(http::Method::kPost, "/api/v1/payments", "{}");
  EXPECT_EQ(res.status, 409);
  EXPECT_NE(res.body.find("order already paid"), std::string::npos);
  h.ups.at("payment-service")->reply = http::Problem(504, "upstream timed out");
  EXPECT_EQ(h.Call(http::Method::kPost, "/api/v1/payments", "{}").status, 504);
}

TEST(GatewayProxyTest, BadBearerTokenIsRejectedBeforeAnyService) {
  auto verifier = std::make_shared<auth::TokenVerifier>(std::make_shared<auth::KeySet>());
  GatewayHarness h(verifier);
  http::Request req;
  req.method = http::Method::kGet;
  req.SetTarget("/api/v1/orders");
  req.headers.Add("Authorization", "Bearer not.a.token");
  auto res = testing::RunAwait(h.gw->Proxy(req));
  EXPECT_EQ(res.status, 401);
  EXPECT_TRUE(res.headers.Get("WWW-Authenticate").has_value());
  EXPECT_EQ(h.ups.at("order-service")->calls, 0);
}

}  // namespace

namespace {

// Answers with its own name, so a test sees which part served a call.
class NamedUpstream final : public http::Upstream {
 public:
  NamedUpstream(boost::asio::any_io_executor ex, std::string name) : Upstream(std::move(ex)), name_(std::move(name)) {}
  Task<http::Response> Send(http::Request) override { co_return http::Response::Json(200, name_); }

 private:
  std::string name_;
};

std::string SendOn(http::Upstream& up, boost::asio::io_context& io) {
  auto fut = boost::asio::co_spawn(io, up.Send(http::Request{}), boost::asio::use_future);
  io.restart();
  io.run();
  return fut.get().body;
}

TEST(PerExecutorUpstreamTest, ACallIsServedByThePartOfTheCallersExecutor) {
  boost::asio::io_context a{1}, b{1};
  std::vector<PerExecutorUpstream::Part> parts;
  parts.emplace_back(a.get_executor(), std::make_unique<NamedUpstream>(a.get_executor(), "a"));
  parts.emplace_back(b.get_executor(), std::make_unique<NamedUpstream>(b.get_executor(), "b"));
  PerExecutorUpstream up(std::move(parts));
  EXPECT_EQ(SendOn(up, b), "b");
  EXPECT_EQ(SendOn(up, a), "a");
  EXPECT_EQ(SendOn(up, b), "b");
}

TEST(PerExecutorUpstreamTest, ACallerOnAnotherExecutorGetsThePartsInTurn) {
  boost::asio::io_context a{1}, b{1}, other{1};
  std::vector<PerExecutorUpstream::Part> parts;
  parts.emplace_back(a.get_executor(), std::make_unique<NamedUpstream>(a.get_executor(), "a"));
  parts.emplace_back(b.get_executor(), std::make_unique<NamedUpstream>(b.get_executor(), "b"));
  PerExecutorUpstream up(std::move(parts));
  const auto first = SendOn(up, other), second = SendOn(up, other);
  EXPECT_NE(first, second);
  EXPECT_EQ(SendOn(up, other), first);
}

TEST(PerExecutorUpstreamTest, RefusesAnEmptyPartList) {
  EXPECT_THROW(PerExecutorUpstream({}), std::invalid_argument);
}

}  // namespace
}  // namespace shop::gateway
