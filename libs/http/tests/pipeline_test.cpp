#include "shop/http/pipeline.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <stdexcept>

#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"
#include "shop/testing/testing.hpp"

namespace shop::http {
namespace {

constexpr std::string_view kTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kParent = "00f067aa0ba902b7";

bool IsLowerHex(std::string_view s, std::size_t n) {
  return s.size() == n && s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Request Make(Method m, std::string target) {
  Request r;
  r.method = m;
  r.method_name = std::string(ToString(m));
  r.SetTarget(std::move(target));
  r.remote_addr = "10.0.0.1";
  return r;
}

Handler EchoApp(RequestContext* seen) {
  return [seen](Request& r) -> Task<Response> {
    if (seen) *seen = r.ctx;
    r.route = "/echo";
    co_return Response::Json(200, "{}");
  };
}

Response Handle(const Pipeline& p, Request& req) { return testing::RunAwait(p.Handle(req)); }

class PipelineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log::SetWriterForTesting([this](std::string_view l) { lines.emplace_back(l); });
  }
  void TearDown() override { log::SetWriterForTesting({}); }
  std::vector<std::string> lines;
};

TEST_F(PipelineTest, EchoesASaneRequestId) {
  RequestContext seen;
  Pipeline p({"svc"}, EchoApp(&seen));
  auto req = Make(Method::kGet, "/echo");
  req.headers.Add("X-Request-Id", "abc-123_X.y");
  auto resp = Handle(p, req);
  EXPECT_EQ(resp.headers.Get("X-Request-Id"), "abc-123_X.y");
  EXPECT_EQ(seen.request_id, "abc-123_X.y");
}

TEST_F(PipelineTest, GeneratesRequestIdWhenMissing) {
  Pipeline p({"svc"}, EchoApp(nullptr));
  auto req = Make(Method::kGet, "/echo");
  auto resp = Handle(p, req);
  auto id = resp.headers.Get("X-Request-Id");
  ASSERT_TRUE(id);
  EXPECT_FALSE(id->empty());
  auto other = Make(Method::kGet, "/echo");
  EXPECT_NE(Handle(p, other).headers.Get("X-Request-Id"), id);
}

TEST_F(PipelineTest, ReplacesAnInsaneRequestId) {
  Pipeline p({"svc"}, EchoApp(nullptr));
  for (std::string bad : {std::string("has space"), std::string("quote\"inject"), std::string(129, 'a'),
                          std::string("new\nline")}) {
    auto req = Make(Method::kGet, "/echo");
    req.headers.Add("X-Request-Id", bad);
    auto resp = Handle(p, req);
    EXPECT_NE(resp.headers.Get("X-Request-Id"), bad);
    EXPECT_FALSE(resp.headers.Get("X-Request-Id")->empty());
  }
  auto req = Make(Method::kGet, "/echo");
  req.headers.Add("X-Request-Id", std::string(128, 'a'));
  EXPECT_EQ(Handle(p, req).headers.Get("X-Request-Id"), std::string(128, 'a'));
}

TEST_F(PipelineTest, ContinuesAValidTraceWithANewSpan) {
  RequestContext seen;
  Pipeline p({"svc"}, EchoApp(&seen));
  auto req = Make(Method::kGet, "/echo");
  req.headers.Add("traceparent", "00-" + std::string(kTrace) + "-" + std::string(kParent) + "-01");
  auto resp = Handle(p, req);
  EXPECT_EQ(seen.trace_id, kTrace);
  EXPECT_TRUE(IsLowerHex(seen.span_id, 16));
  EXPECT_NE(seen.span_id, kParent);
  EXPECT_EQ(resp.headers.Get("traceparent"), "00-" + std::string(kTrace) + "-" + seen.span_id + "-01");
}

TEST_F(PipelineTest, StartsANewTraceForMissingOrMalformedTraceparent) {
  const std::string bad[] = {
      "",
      "garbage",
      "00-00000000000000000000000000000000-" + std::string(kParent) + "-01",  // zero trace id
      "00-" + std::string(kTrace) + "-0000000000000000-01",                   // zero parent id
      "00-" + std::string("4BF92F3577B34DA6A3CE929D0E0E4736") + "-" + std::string(kParent) + "-01",
      "ff-" + std::string(kTrace) + "-" + std::string(kParent) + "-01",
      "00-" + std::string(kTrace) + "-" + std::string(kParent) + "-01-extra",
  };
  for (const auto& tp : bad) {
    SCOPED_TRACE(tp);
    RequestContext seen;
    Pipeline p({"svc"}, EchoApp(&seen));
    auto req = Make(Method::kGet, "/echo");
    if (!tp.empty()) req.headers.Add("traceparent", tp);
    auto resp = Handle(p, req);
    EXPECT_TRUE(IsLowerHex(seen.trace_id, 32));
    EXPECT_NE(seen.trace_id, kTrace);
    EXPECT_TRUE(IsLowerHex(seen.span_id, 16));
    EXPECT_EQ(resp.headers.Get("traceparent"), seen.Traceparent());
  }
}

TEST_F(PipelineTest, AnswersCorsPreflightWithoutCallingTheApp) {
  bool called = false;
  Pipeline p({"svc"}, [&](Request&) -> Task<Response> {
    called = true;
    co_return Response::Json(200, "{}");
  });
  auto req = Make(Method::kOptions, "/api/v1/orders");
  req.headers.Add("Origin", "https://shop.example");
  req.headers.Add("Access-Control-Request-Method", "POST");
  auto resp = Handle(p, req);
  EXPECT_FALSE(called);
  EXPECT_EQ(resp.status, 204);
  EXPECT_EQ(resp.headers.Get("Access-Control-Allow-Origin"), "*");
  EXPECT_NE(resp.headers.Get("Access-Control-Allow-Methods")->find("POST"), std::string::npos);
  EXPECT_NE(resp.headers.Get("Access-Control-Allow-Headers")->find("Authorization"), std::string::npos);
  EXPECT_EQ(resp.headers.Get("Access-Control-Max-Age"), "600");
  EXPECT_TRUE(resp.headers.Get("X-Request-Id"));
}

TEST_F(PipelineTest, OptionsWithoutPreflightHeadersReachesTheApp) {
  bool called = false;
  Pipeline p({"svc"}, [&](Request&) -> Task<Response> {
    called = true;
    co_return Response::NoContent();
  });
  auto req = Make(Method::kOptions, "/x");
  Handle(p, req);
  EXPECT_TRUE(called);
}

TEST_F(PipelineTest, SimpleCorsRequestGetsAllowOriginAndVary) {
  Pipeline p({"svc"}, EchoApp(nullptr));
  auto req = Make(Method::kGet, "/echo");
  req.headers.Add("Origin", "https://shop.example");
  auto resp = Handle(p, req);
  EXPECT_EQ(resp.headers.Get("Access-Control-Allow-Origin"), "*");
  EXPECT_EQ(resp.headers.Get("Vary"), "Origin");
  EXPECT_NE(resp.headers.Get("Access-Control-Expose-Headers")->find("X-Request-Id"), std::string::npos);

  auto no_origin = Make(Method::kGet, "/echo");
  EXPECT_FALSE(Handle(p, no_origin).headers.Get("Access-Control-Allow-Origin"));
}

TEST_F(PipelineTest, CorsAllowListEchoesOnlyListedOrigins) {
  PipelineOptions opts{"svc"};
  opts.cors.allow_origin = "https://a.example, https://b.example";
  Pipeline p(opts, EchoApp(nullptr));
  auto ok = Make(Method::kGet, "/echo");
  ok.headers.Add("Origin", "https://b.example");
  EXPECT_EQ(Handle(p, ok).headers.Get("Access-Control-Allow-Origin"), "https://b.example");
  auto other = Make(Method::kGet, "/echo");
  other.headers.Add("Origin", "https://evil.example");
  EXPECT_FALSE(Handle(p, other).headers.Get("Access-Control-Allow-Origin"));
}

TEST_F(PipelineTest, DisabledCorsAddsNothing) {
  PipelineOptions opts{"svc"};
  opts.cors.enabled = false;
  Pipeline p(opts, EchoApp(nullptr));
  auto req = Make(Method::kOptions, "/echo");
  req.headers.Add("Origin", "https://shop.example");
  req.headers.Add("Access-Control-Request-Method", "POST");
  auto resp = Handle(p, req);
  EXPECT_EQ(resp.status, 200);  // reached the app
  EXPECT_FALSE(resp.headers.Get("Access-Control-Allow-Origin"));
}

TEST_F(PipelineTest, ExceptionEscapingTheAppBecomes500Problem) {
  Pipeline p({"svc"}, [](Request&) -> Task<Response> {
    throw std::runtime_error("db password is hunter2");
    co_return Response{};
  });
  auto req = Make(Method::kGet, "/x");
  req.headers.Add("X-Request-Id", "rid-55");
  auto resp = Handle(p, req);
  EXPECT_EQ(resp.status, 500);
  EXPECT_EQ(resp.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(resp.body.find("hunter2"), std::string::npos);
  EXPECT_NE(resp.body.find("rid-55"), std::string::npos);
  EXPECT_EQ(resp.headers.Get("X-Request-Id"), "rid-55");
}

TEST_F(PipelineTest, WritesOneJsonAccessLogLine) {
  Pipeline p({"svc"}, EchoApp(nullptr));
  auto req = Make(Method::kGet, "/echo?secret=1");
  req.headers.Add("X-Request-Id", "rid-log");
  Handle(p, req);
  ASSERT_EQ(lines.size(), 1u);
  auto line = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(line.at("level").as_string(), "info");
  EXPECT_EQ(line.at("method").as_string(), "GET");
  EXPECT_EQ(line.at("route").as_string(), "/echo");
  EXPECT_EQ(line.at("path").as_string(), "/echo");
  EXPECT_EQ(line.at("status").as_int64(), 200);
  EXPECT_TRUE(line.at("duration_ms").is_number());
  EXPECT_EQ(line.at("request_id").as_string(), "rid-log");
  EXPECT_EQ(line.at("trace_id").as_string().size(), 32u);
  EXPECT_EQ(line.at("remote_addr").as_string(), "10.0.0.1");
}

TEST_F(PipelineTest, InFlightGaugeReturnsToZero) {
  double during = -1;
  Pipeline p({"gauge-svc"}, [&](Request&) -> Task<Response> {
    during = metrics::Value("http_requests_in_flight", {{"service", "gauge-svc"}});
    co_return Response::NoContent();
  });
  auto req = Make(Method::kGet, "/x");
  Handle(p, req);
  EXPECT_EQ(during, 1);
  EXPECT_EQ(metrics::Value("http_requests_in_flight", {{"service", "gauge-svc"}}), 0);
}

}  // namespace
}  // namespace shop::http
