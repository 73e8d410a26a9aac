#include "shop/http/module.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>
#include <boost/json/parse.hpp>

#include <stdexcept>
#include <thread>

#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"
#include "shop/testing/testing.hpp"

namespace shop::http {
namespace {

Request Make(Method m, std::string target, std::string request_id = "rid-1") {
  Request r;
  r.method = m;
  r.method_name = std::string(ToString(m));
  r.SetTarget(std::move(target));
  r.ctx.request_id = std::move(request_id);
  return r;
}

Response Dispatch(Module& module, Request& req) { return testing::RunAwait(module.Dispatch(req)); }

boost::json::object BodyOf(const Response& r) { return boost::json::parse(r.body).as_object(); }

TEST(ModuleTest, UnknownPathIs404Problem) {
  Module module("test-404", 2);
  auto req = Make(Method::kGet, "/nope");
  auto resp = Dispatch(module, req);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(resp.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(BodyOf(resp).at("request_id").as_string(), "rid-1");
}

TEST(ModuleTest, WrongMethodIs405WithAllow) {
  Module module("test-405", 2);
  module.router().Get("/items/{id}", [](Request&) { return Response::Json(200, "{}"); });
  module.router().Delete("/items/{id}", [](Request&) { return Response::NoContent(); });
  auto req = Make(Method::kPost, "/items/1");
  auto resp = Dispatch(module, req);
  EXPECT_EQ(resp.status, 405);
  EXPECT_EQ(resp.headers.Get("Allow"), "GET, HEAD, DELETE");
}

TEST(ModuleTest, BlockingHandlerRunsOnPoolThreadNotTheCallers) {
  Module module("test-pool", 2);
  std::thread::id handler_thread;
  module.router().Get("/where", [&](Request&) {
    handler_thread = std::this_thread::get_id();
    return Response::Json(200, "{}");
  });
  auto req = Make(Method::kGet, "/where");
  auto resp = Dispatch(module, req);
  EXPECT_EQ(resp.status, 200);
  EXPECT_NE(handler_thread, std::thread::id{});
  EXPECT_NE(handler_thread, std::this_thread::get_id());
}

TEST(ModuleTest, HandlerSeesParamsAndRouteTemplate) {
  Module module("test-params", 2);
  module.router().Get("/products/{id}", [](Request& r) {
    return Response::Text(200, std::string(r.Param("id")) + "|" + r.route);
  });
  auto req = Make(Method::kGet, "/products/p-7?x=1");
  auto resp = Dispatch(module, req);
  EXPECT_EQ(resp.body, "p-7|/products/{id}");
  EXPECT_EQ(req.route, "/products/{id}");
}

TEST(ModuleTest, AsyncHandlerIsAwaitedOnTheCallersThread) {
  Module module("test-async", 2);
  std::thread::id handler_thread;
  module.router().AddAsync(Method::kGet, "/a", [&](Request&) -> Task<Response> {
    handler_thread = std::this_thread::get_id();
    co_return Response::Text(200, "async");
  });
  auto req = Make(Method::kGet, "/a");
  EXPECT_EQ(Dispatch(module, req).body, "async");
  EXPECT_EQ(handler_thread, std::this_thread::get_id());
}

TEST(ModuleTest, ExceptionBecomes500WithRequestIdAndIsLoggedWithoutDetailLeak) {
  Module module("test-throw", 2);
  module.router().Post("/boom", [](Request&) -> Response { throw std::runtime_error("secret internals"); });
  std::vector<std::string> lines;
  log::SetWriterForTesting([&](std::string_view l) { lines.emplace_back(l); });
  auto req = Make(Method::kPost, "/boom", "rid-boom");
  req.body = R"({"password":"hunter2"})";
  auto resp = Dispatch(module, req);
  log::SetWriterForTesting({});
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.body.find("secret internals"), std::string::npos);
  EXPECT_EQ(BodyOf(resp).at("request_id").as_string(), "rid-boom");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("rid-boom"), std::string::npos);
  EXPECT_NE(lines[0].find("secret internals"), std::string::npos);
  EXPECT_EQ(lines[0].find("hunter2"), std::string::npos);
}

TEST(ModuleTest, ErrorExceptionMapsToItsProblem) {
  Module module("test-errexc", 2);
  module.router().Get("/missing", [](Request&) -> Response {
    Result<int> r = Error::NotFound("no such thing");
    return Response::Text(200, std::to_string(r.value()));
  });
  auto req = Make(Method::kGet, "/missing");
  auto resp = Dispatch(module, req);
  EXPECT_EQ(resp.status, 404);
  EXPECT_EQ(BodyOf(resp).at("detail").as_string(), "no such thing");
}

TEST(ModuleTest, MetricsAreCountedByRouteTemplate) {
  Module module("test-metrics", 2);
  module.router().Get("/orders/{id}", [](Request&) { return Response::Json(200, "{}"); });
  const metrics::Labels ok{{"service", "test-metrics"}, {"method", "GET"}, {"route", "/orders/{id}"}, {"status", "200"}};
  const metrics::Labels unmatched{
      {"service", "test-metrics"}, {"method", "GET"}, {"route", "unmatched"}, {"status", "404"}};
  const metrics::Labels timing{{"service", "test-metrics"}, {"method", "GET"}, {"route", "/orders/{id}"}};
  const double ok_before = metrics::Value("http_requests_total", ok);
  const double unmatched_before = metrics::Value("http_requests_total", unmatched);
  const double timing_before = metrics::Value("http_request_duration_seconds", timing);
  for (auto target : {"/orders/1", "/orders/2", "/orders/3"}) {
    auto req = Make(Method::kGet, target);
    Dispatch(module, req);
  }
  auto miss = Make(Method::kGet, "/elsewhere");
  Dispatch(module, miss);
  EXPECT_EQ(metrics::Value("http_requests_total", ok) - ok_before, 3);
  EXPECT_EQ(metrics::Value("http_requests_total", unmatched) - unmatched_before, 1);
  EXPECT_EQ(metrics::Value("http_request_duration_seconds", timing) - timing_before, 3);
}

TEST(ModuleTest, OperationsEndpoints) {
  Module module("ops-service", 2);
  module.MountOperations();
  auto health = Make(Method::kGet, "/health");
  auto resp = Dispatch(module, health);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(BodyOf(resp), (boost::json::object{{"status", "healthy"}, {"service", "ops-service"}}));

  auto ready = Make(Method::kGet, "/ready");
  resp = Dispatch(module, ready);
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(BodyOf(resp).at("status").as_string(), "ready");

  module.SetReadinessProbe([] { return false; });
  auto not_ready = Make(Method::kGet, "/ready");
  resp = Dispatch(module, not_ready);
  EXPECT_EQ(resp.status, 503);
  EXPECT_TRUE(resp.headers.Get("Retry-After"));

  auto m = Make(Method::kGet, "/metrics");
  resp = Dispatch(module, m);
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.headers.Get("Content-Type")->starts_with("text/plain; version=0.0.4"));
  EXPECT_NE(resp.body.find("http_requests_total{service=\"ops-service\""), std::string::npos);
  EXPECT_NE(resp.body.find("shop_build_info{version="), std::string::npos);
}

TEST(ModuleTest, ReadinessProbeRunsOnTheWorkerPoolNotTheIoThread) {
  Module module("ready-pool", 2);
  module.MountOperations();
  std::thread::id probed_on;
  module.SetReadinessProbe([&probed_on] {
    probed_on = std::this_thread::get_id();
    return true;
  });
  auto ready = Make(Method::kGet, "/ready");
  EXPECT_EQ(Dispatch(module, ready).status, 200);  // Dispatch runs the I/O loop on this thread
  EXPECT_NE(probed_on, std::thread::id());
  EXPECT_NE(probed_on, std::this_thread::get_id());
}

TEST(ModuleTest, HeadIsServedByGetRoute) {
  Module module("test-head", 2);
  module.router().Get("/x", [](Request&) { return Response::Text(200, "body"); });
  auto req = Make(Method::kHead, "/x");
  EXPECT_EQ(Dispatch(module, req).status, 200);
}

TEST(ModuleTest, StopWaitsForQueuedWork) {
  Module module("test-stop", 2);
  std::atomic<int> done{0};
  for (int i = 0; i < 4; ++i) {
    boost::asio::post(module.pool(), [&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      ++done;
    });
  }
  module.Stop();
  EXPECT_EQ(done.load(), 4);
}

}  // namespace
}  // namespace shop::http
