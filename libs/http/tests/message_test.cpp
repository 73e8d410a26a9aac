#include "shop/http/message.hpp"

#include <gtest/gtest.h>

namespace shop::http {
namespace {

TEST(MethodTest, ParsesAndPrintsEveryMethod) {
  for (auto m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch, Method::kDelete,
                 Method::kOptions}) {
    EXPECT_EQ(ParseMethod(ToString(m)), m);
  }
  EXPECT_EQ(ParseMethod("get"), Method::kUnknown);
  EXPECT_EQ(ParseMethod("BREW"), Method::kUnknown);
}

TEST(HeadersTest, LookupIsCaseInsensitive) {
  Headers h;
  h.Add("Content-Type", "application/json");
  EXPECT_EQ(h.Get("content-type"), "application/json");
  EXPECT_EQ(h.Get("CONTENT-TYPE"), "application/json");
  EXPECT_FALSE(h.Get("Accept"));
}

TEST(HeadersTest, SetReplacesEveryFieldOfThatName) {
  Headers h;
  h.Add("Vary", "Origin");
  h.Add("vary", "Accept");
  h.Add("X-Other", "1");
  EXPECT_EQ(h.Count("VARY"), 2u);
  h.Set("Vary", "Cookie");
  EXPECT_EQ(h.Count("vary"), 1u);
  EXPECT_EQ(h.Get("Vary"), "Cookie");
  h.Remove("x-other");
  EXPECT_EQ(h.size(), 1u);
}

TEST(RequestTest, SetTargetSplitsPathAndQuery) {
  Request r;
  r.SetTarget("/api/v1/products?limit=5&q=a%20b");
  EXPECT_EQ(r.path, "/api/v1/products");
  EXPECT_EQ(r.query, "limit=5&q=a%20b");
  r.SetTarget("/health");
  EXPECT_EQ(r.path, "/health");
  EXPECT_EQ(r.query, "");
}

TEST(RequestTest, QueryParamIsPercentDecodedAndFirstWins) {
  Request r;
  r.SetTarget("/x?q=red+shoes%21&limit=5&limit=9&empty=&flag&bad=%zz");
  EXPECT_EQ(r.QueryParam("q"), "red shoes!");
  EXPECT_EQ(r.QueryParam("limit"), "5");
  EXPECT_EQ(r.QueryParam("empty"), "");
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_FALSE(r.QueryParam("missing"));
  EXPECT_FALSE(r.QueryParam("bad"));
}

TEST(RequestTest, ParamReturnsEmptyWhenAbsent) {
  Request r;
  r.params = {{"id", "42"}};
  EXPECT_EQ(r.Param("id"), "42");
  EXPECT_EQ(r.Param("other"), "");
}

TEST(RequestContextTest, TraceparentHasW3cShape) {
  RequestContext ctx{"rid", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"};
  EXPECT_EQ(ctx.Traceparent(), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
}

TEST(ResponseTest, BuildersSetStatusAndContentType) {
  auto j = Response::Json(201, R"({"a":1})");
  EXPECT_EQ(j.status, 201);
  EXPECT_EQ(j.headers.Get("Content-Type"), "application/json");
  auto t = Response::Text(200, "hi");
  EXPECT_EQ(t.headers.Get("content-type"), "text/plain; charset=utf-8");
  auto n = Response::NoContent();
  EXPECT_EQ(n.status, 204);
  EXPECT_TRUE(n.body.empty());
}

TEST(ReasonPhraseTest, KnowsCommonStatuses) {
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(422), "Unprocessable Content");
  EXPECT_EQ(ReasonPhrase(503), "Service Unavailable");
  EXPECT_EQ(ReasonPhrase(599), "Server Error");
}

}  // namespace
}  // namespace shop::http
