#include "infra/http_catalog_client.hpp"

#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>

#include <functional>

namespace shop::order::infra {
namespace {

// An upstream answering from a function, on its own small pool (as SendBlocking requires).
class ScriptedUpstream final : public http::Upstream {
 public:
  using Script = std::function<http::Response(const http::Request&)>;
  ScriptedUpstream(boost::asio::thread_pool& pool, Script script)
      : http::Upstream(pool.get_executor()), script_(std::move(script)) {}
  Task<http::Response> Send(http::Request req) override {
    last_target = req.target;
    last_request_id = std::string(req.headers.Get("X-Request-Id").value_or(""));
    co_return script_(req);
  }
  std::string last_target;
  std::string last_request_id;

 private:
  Script script_;
};

class HttpCatalogClientTest : public ::testing::Test {
 protected:
  boost::asio::thread_pool pool{1};
  void TearDown() override { pool.join(); }
};

TEST_F(HttpCatalogClientTest, ReadsAProductAndForwardsTheRequestId) {
  ScriptedUpstream up(pool, [](const http::Request&) {
    return http::Response::Json(200, R"({"id":"p1","sku":"S-1","name":"Thing","price_cents":1234,)"
                                     R"("currency":"EUR","stock_available":3})");
  });
  HttpCatalogClient client(up);
  http::RequestContext ctx;
  ctx.request_id = "req-42";
  auto p = client.Find("p1", ctx);
  ASSERT_TRUE(p) << p.error().detail;
  ASSERT_TRUE(*p);
  EXPECT_EQ((*p)->sku, "S-1");
  EXPECT_EQ((*p)->name, "Thing");
  EXPECT_EQ((*p)->price_cents, 1234);
  EXPECT_EQ((*p)->currency, "EUR");
  EXPECT_EQ(up.last_target, "/api/v1/products/p1");
  EXPECT_EQ(up.last_request_id, "req-42");
}

TEST_F(HttpCatalogClientTest, NotFoundIsNoProduct) {
  ScriptedUpstream up(pool, [](const http::Request&) { return http::Response::Json(404, R"({"status":404})"); });
  HttpCatalogClient client(up);
  auto p = client.Find("p1", {});
  ASSERT_TRUE(p);
  EXPECT_FALSE(*p);
}

TEST_F(HttpCatalogClientTest, AnIdThatIsNotUrlSafeIsNoProductWithoutACall) {
  int calls = 0;
  ScriptedUpstream up(pool, [&](const http::Request&) {
    ++calls;
    return http::Response::Json(200, "{}");
  });
  HttpCatalogClient client(up);
  for (auto id : {"../admin", "a?b=c", "", "with space"}) {
    auto p = client.Find(id, {});
    ASSERT_TRUE(p);
    EXPECT_FALSE(*p) << id;
  }
  EXPECT_EQ(calls, 0);
}

TEST_F(HttpCatalogClientTest, ServerErrorsAndGarbageAreUnavailable) {
  for (auto [status, body] : std::vector<std::pair<int, std::string>>{
           {503, "{}"}, {504, "{}"}, {500, "{}"}, {200, "not json"}, {200, R"({"id":"p1"})"}}) {
    ScriptedUpstream up(pool, [status, body](const http::Request&) { return http::Response::Json(status, body); });
    HttpCatalogClient client(up);
    auto p = client.Find("p1", {});
    ASSERT_FALSE(p) << status << " " << body;
    EXPECT_EQ(p.error().code, Errc::kUnavailable);
  }
}

}  // namespace
}  // namespace shop::order::infra
