#include "infra/http_order_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>

#include "shop/http/problem.hpp"

namespace shop::payment::infra {
namespace {

constexpr std::string_view kOrderId = "0193a000-0000-7000-8000-0000000000aa";

class CannedUpstream final : public http::Upstream {
 public:
  explicit CannedUpstream(boost::asio::any_io_executor ex) : Upstream(std::move(ex)) {}
  Task<http::Response> Send(http::Request req) override {
    last = std::move(req);
    co_return answer;
  }
  http::Response answer;
  http::Request last;
};

class HttpOrderClientTest : public ::testing::Test {
 protected:
  boost::asio::thread_pool io{1};
  CannedUpstream upstream{io.get_executor()};
  HttpOrderClient client{[this]() -> http::Upstream& { return upstream; }};
  app::Caller caller{"u-1", false, "Bearer abc", {}};

  void SetUp() override { caller.trace.request_id = "req-42"; }
  void TearDown() override { io.join(); }
};

TEST_F(HttpOrderClientTest, ReadsTheOrderAsTheCaller) {
  upstream.answer = http::Response::Json(
      200, R"({"id":"0193a000-0000-7000-8000-0000000000aa","user_id":"u-1","status":"RESERVED",)"
           R"("total_cents":1250,"currency":"EUR","items":[]})");
  auto o = client.Get(kOrderId, caller);
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->status, "RESERVED");
  EXPECT_EQ(o->total_cents, 1250);
  EXPECT_EQ(o->currency, "EUR");
  EXPECT_EQ(o->user_id, "u-1");
  EXPECT_EQ(upstream.last.method, http::Method::kGet);
  EXPECT_EQ(upstream.last.path, "/api/v1/orders/" + std::string(kOrderId));
  EXPECT_EQ(upstream.last.headers.Get("Authorization").value_or(""), "Bearer abc");
  EXPECT_EQ(upstream.last.headers.Get("X-Request-Id").value_or(""), "req-42");
}

TEST_F(HttpOrderClientTest, NotFoundAndForbiddenMeanNotFound) {
  for (int status : {404, 403}) {
    upstream.answer = http::Problem(status, "nope");
    auto o = client.Get(kOrderId, caller);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().code, Errc::kNotFound) << status;
  }
}

TEST_F(HttpOrderClientTest, ServerErrorsAndNoConnectionAreUnavailable) {
  for (int status : {500, 502, 503, 504}) {
    upstream.answer = http::Problem(status, "down");
    auto o = client.Get(kOrderId, caller);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().code, Errc::kUnavailable) << status;
    EXPECT_TRUE(o.error().retry_after_s);
  }
}

TEST_F(HttpOrderClientTest, AMalformedOrderIsBadGateway) {
  upstream.answer = http::Response::Json(200, R"({"id":"x","status":"RESERVED"})");
  auto o = client.Get(kOrderId, caller);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kBadGateway);
  upstream.answer = http::Response::Json(200, "not json");
  EXPECT_EQ(client.Get(kOrderId, caller).error().code, Errc::kBadGateway);
  upstream.answer = http::Response::Json(
      200, R"({"id":"x","user_id":"u","status":"RESERVED","total_cents":"12","currency":"USD"})");
  EXPECT_EQ(client.Get(kOrderId, caller).error().code, Errc::kBadGateway);
}

}  // namespace
}  // namespace shop::payment::infra
