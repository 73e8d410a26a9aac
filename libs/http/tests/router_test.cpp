#include "shop/http/router.hpp"

#include <gtest/gtest.h>

namespace shop::http {
namespace {

Response Named(std::string name) { return Response::Text(200, std::move(name)); }

class RouterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router.Get("/api/v1/products", [](Request&) { return Named("list"); });
    router.Post("/api/v1/products", [](Request&) { return Named("create"); });
    router.Get("/api/v1/products/{id}", [](Request&) { return Named("get"); });
    router.Get("/api/v1/products/featured", [](Request&) { return Named("featured"); });
    router.Delete("/api/v1/products/{id}", [](Request&) { return Named("delete"); });
    router.Get("/api/v1/orders/{order_id}/items/{item_id}", [](Request&) { return Named("item"); });
    router.Get("/static/{rest*}", [](Request&) { return Named("static"); });
  }

  std::string Body(Method m, std::string_view path, PathParams& params) {
    auto found = router.Find(m, path, params);
    if (!found.route) return "<none>";
    Request req;
    return found.route->blocking(req).body;
  }

  Router router;
};

TEST_F(RouterTest, MatchesLiteralPath) {
  PathParams p;
  EXPECT_EQ(Body(Method::kGet, "/api/v1/products", p), "list");
  EXPECT_EQ(Body(Method::kPost, "/api/v1/products", p), "create");
  EXPECT_TRUE(p.empty());
}

TEST_F(RouterTest, ExtractsNamedParameters) {
  PathParams p;
  EXPECT_EQ(Body(Method::kGet, "/api/v1/orders/o-1/items/i-2", p), "item");
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"order_id", "o-1"}));
  EXPECT_EQ(p[1], (std::pair<std::string, std::string>{"item_id", "i-2"}));
}

TEST_F(RouterTest, ParametersArePercentDecoded) {
  PathParams p;
  EXPECT_EQ(Body(Method::kGet, "/api/v1/products/a%20b+c", p), "get");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].second, "a b+c");
}

TEST_F(RouterTest, LiteralSegmentBeatsParameterWhateverTheOrder) {
  PathParams p;
  EXPECT_EQ(Body(Method::kGet, "/api/v1/products/featured", p), "featured");
  EXPECT_TRUE(p.empty());
  EXPECT_EQ(Body(Method::kGet, "/api/v1/products/42", p), "get");
}

TEST_F(RouterTest, EmptySegmentDoesNotMatchParameter) {
  PathParams p;
  auto found = router.Find(Method::kGet, "/api/v1/products/", p);
  EXPECT_EQ(found.route, nullptr);
}

TEST_F(RouterTest, UnknownPathHasNoAllowedMethods) {
  PathParams p;
  auto found = router.Find(Method::kGet, "/api/v1/nothing", p);
  EXPECT_EQ(found.route, nullptr);
  EXPECT_TRUE(found.allowed.empty());
  EXPECT_EQ(router.Find(Method::kGet, "/api/v1/products/1/extra", p).route, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "", p).route, nullptr);
}

TEST_F(RouterTest, WrongMethodListsAllowedMethodsIncludingHead) {
  PathParams p;
  auto found = router.Find(Method::kPut, "/api/v1/products/7", p);
  EXPECT_EQ(found.route, nullptr);
  EXPECT_EQ(AllowHeader(found.allowed), "GET, HEAD, DELETE");
  found = router.Find(Method::kPatch, "/api/v1/products", p);
  EXPECT_EQ(AllowHeader(found.allowed), "GET, HEAD, POST");
}

TEST_F(RouterTest, HeadFallsBackToGet) {
  PathParams p;
  EXPECT_EQ(Body(Method::kHead, "/api/v1/products/9", p), "get");
  EXPECT_EQ(p[0].second, "9");
}

TEST_F(RouterTest, ExplicitHeadRouteWinsOverGet) {
  router.Add(Method::kHead, "/api/v1/products", [](Request&) { return Named("head"); });
  PathParams p;
  EXPECT_EQ(Body(Method::kHead, "/api/v1/products", p), "head");
}

TEST_F(RouterTest, TailWildcardMatchesTheRestOfThePath) {
  PathParams p;
  EXPECT_EQ(Body(Method::kGet, "/static/css/site/main.css", p), "static");
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0], (std::pair<std::string, std::string>{"rest", "css/site/main.css"}));
  EXPECT_EQ(Body(Method::kGet, "/static", p), "static");
  EXPECT_EQ(p[0].second, "");
  EXPECT_EQ(Body(Method::kGet, "/staticx/a", p), "<none>");
}

TEST_F(RouterTest, AsyncRoutesAreFound) {
  router.AddAsync(Method::kGet, "/health", [](Request&) -> Task<Response> { co_return Named("h"); });
  PathParams p;
  auto found = router.Find(Method::kGet, "/health", p);
  ASSERT_NE(found.route, nullptr);
  EXPECT_TRUE(static_cast<bool>(found.route->async));
  EXPECT_FALSE(static_cast<bool>(found.route->blocking));
}

TEST(RouterPatternTest, RejectsMalformedPatterns) {
  Router r;
  EXPECT_THROW(r.Get("no-slash", [](Request&) { return Response{}; }), std::invalid_argument);
  EXPECT_THROW(r.Get("/a/{rest*}/b", [](Request&) { return Response{}; }), std::invalid_argument);
  r.Get("/a", [](Request&) { return Response{}; });
  EXPECT_THROW(r.Get("/a", [](Request&) { return Response{}; }), std::invalid_argument);
}

}  // namespace
}  // namespace shop::http
