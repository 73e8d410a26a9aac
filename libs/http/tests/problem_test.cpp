#include "shop/http/problem.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace shop::http {
namespace {

boost::json::object BodyOf(const Response& r) { return boost::json::parse(r.body).as_object(); }

TEST(ProblemTest, EveryErrcMapsToItsStatus) {
  const std::pair<Errc, int> cases[] = {
      {Errc::kBadRequest, 400},  {Errc::kInvalid, 422},      {Errc::kUnsupportedMedia, 415},
      {Errc::kTooLarge, 413},    {Errc::kUnauthenticated, 401}, {Errc::kForbidden, 403},
      {Errc::kNotFound, 404},    {Errc::kConflict, 409},     {Errc::kRateLimited, 429},
      {Errc::kUnavailable, 503}, {Errc::kTimeout, 504},      {Errc::kBadGateway, 502},
      {Errc::kInternal, 500},
  };
  for (const auto& [code, status] : cases) {
    SCOPED_TRACE(std::string(ToString(code)));
    EXPECT_EQ(StatusOf(code), status);
    auto r = Problem(Error{code, "something specific"}, "req-1");
    EXPECT_EQ(r.status, status);
    EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
    auto body = BodyOf(r);
    EXPECT_EQ(body.at("status").as_int64(), status);
    EXPECT_EQ(body.at("title").as_string(), ReasonPhrase(status));
    EXPECT_TRUE(body.at("type").as_string().starts_with("https://ecommerce-platform.dev/problems/"));
    EXPECT_EQ(body.at("request_id").as_string(), "req-1");
    EXPECT_NE(body.at("instance").as_string().find("req-1"), std::string::npos);
  }
}

TEST(ProblemTest, TypeUriIsStablePerStatus) {
  EXPECT_EQ(BodyOf(Problem(Error::NotFound("a"))).at("type").as_string(),
            BodyOf(Problem(Error::NotFound("b"))).at("type").as_string());
  EXPECT_NE(BodyOf(Problem(Error::NotFound("a"))).at("type").as_string(),
            BodyOf(Problem(Error::Conflict("a"))).at("type").as_string());
}

TEST(ProblemTest, UnauthenticatedCarriesWwwAuthenticate) {
  auto r = Problem(Error::Unauthenticated("token expired"));
  EXPECT_EQ(r.headers.Get("WWW-Authenticate"), R"(Bearer error="invalid_token")");
  EXPECT_EQ(BodyOf(r).at("detail").as_string(), "token expired");
}

TEST(ProblemTest, RateLimitedAndUnavailableCarryRetryAfter) {
  EXPECT_EQ(Problem(Error::RateLimited("slow down", 30)).headers.Get("Retry-After"), "30");
  EXPECT_EQ(Problem(Error::Unavailable("db down", 5)).headers.Get("Retry-After"), "5");
  EXPECT_EQ(Problem(Error{Errc::kUnavailable, "no hint"}).headers.Get("Retry-After"), "1");
  EXPECT_FALSE(Problem(Error::Conflict("x")).headers.Get("Retry-After"));
  EXPECT_FALSE(Problem(Error::Conflict("x")).headers.Get("WWW-Authenticate"));
}

TEST(ProblemTest, InvalidListsFieldErrors) {
  auto r = Problem(Error::Invalid({{"email", "must be an email"}, {"password", "too short"}}));
  EXPECT_EQ(r.status, 422);
  auto body = BodyOf(r);
  const auto& errors = body.at("errors").as_array();
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0].at("field").as_string(), "email");
  EXPECT_EQ(errors[0].at("message").as_string(), "must be an email");
  EXPECT_EQ(errors[1].at("field").as_string(), "password");
}

TEST(ProblemTest, NoErrorsArrayOrRequestIdWhenAbsent) {
  auto body = BodyOf(Problem(Error::NotFound("no such product")));
  EXPECT_FALSE(body.contains("errors"));
  EXPECT_FALSE(body.contains("request_id"));
  EXPECT_FALSE(body.contains("instance"));
}

TEST(ProblemTest, InternalNeverLeaksTheDetail) {
  auto r = Problem(Error::Internal("SQLITE_CORRUPT at /var/lib/secret.db"), "rid-9");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body.find("SQLITE"), std::string::npos);
  EXPECT_EQ(r.body.find("secret"), std::string::npos);
  auto body = BodyOf(r);
  EXPECT_EQ(body.at("request_id").as_string(), "rid-9");
  EXPECT_FALSE(body.at("detail").as_string().empty());
}

TEST(ProblemTest, ProtocolProblemUsesFixedDetail) {
  auto r = Problem(413, "The request body is too large.", "r");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(BodyOf(r).at("detail").as_string(), "The request body is too large.");
}

}  // namespace
}  // namespace shop::http
