// POST /api/v1/auth/* and the JWKS through module.Dispatch, on a real SQLite database.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "harness.hpp"
#include "shop/auth/auth.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using http::Method;
using testing::Harness;
using testing::TestConfig;

std::string Json(const boost::json::object& o) { return json::Serialize(o); }

TEST(AuthApiTest, RegisterCreatesACustomerWithoutTheHash) {
  Harness h;
  auto res = h.Call(Method::kPost, "/api/v1/auth/register",
                    Json({{"email", "  Ann@Example.com "}, {"password", "s3cret-pass"}, {"name", " Ann "}}));
  ASSERT_EQ(res.status, 201) << res.body;
  auto body = Harness::Body(res);
  EXPECT_EQ(body.at("email"), "ann@example.com");
  EXPECT_EQ(body.at("name"), "Ann");
  EXPECT_EQ(body.at("is_admin"), false);
  EXPECT_TRUE(body.contains("id") && body.contains("created_at") && body.contains("updated_at"));
  EXPECT_EQ(body.size(), 6u) << "exactly the contract's fields: " << res.body;
  EXPECT_EQ(res.body.find("argon2"), std::string::npos);
  EXPECT_EQ(res.headers.Get("Location").value_or(""), "/api/v1/users/" + std::string(body.at("id").as_string()));
}

TEST(AuthApiTest, DuplicateEmailRegardlessOfCaseIsConflict) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto res = h.Call(Method::kPost, "/api/v1/auth/register",
                    Json({{"email", "ANN@example.COM"}, {"password", "other-pass"}, {"name", "Imposter"}}));
  EXPECT_EQ(res.status, 409) << res.body;
  EXPECT_EQ(res.headers.Get("Content-Type").value_or(""), "application/problem+json");
}

TEST(AuthApiTest, InvalidRegistrationIs422NamingTheFields) {
  Harness h;
  auto res = h.Call(Method::kPost, "/api/v1/auth/register",
                    Json({{"email", "not-an-email"}, {"password", "short"}, {"name", std::string(101, 'n')}}));
  ASSERT_EQ(res.status, 422) << res.body;
  std::set<std::string> fields;
  const auto body = Harness::Body(res);
  for (const auto& e : body.at("errors").as_array()) fields.insert(std::string(e.at("field").as_string()));
  EXPECT_TRUE(fields.contains("password")) << res.body;
  EXPECT_TRUE(fields.contains("name")) << res.body;

  auto bad_email = h.Call(Method::kPost, "/api/v1/auth/register",
                          Json({{"email", "not-an-email"}, {"password", "long-enough"}, {"name", "Ann"}}));
  ASSERT_EQ(bad_email.status, 422);
  const auto bad_email_body = Harness::Body(bad_email);
  EXPECT_EQ(bad_email_body.at("errors").as_array()[0].at("field"), "email");

  auto missing = h.Call(Method::kPost, "/api/v1/auth/register", Json({{"email", "a@b.co"}}));
  EXPECT_EQ(missing.status, 422) << missing.body;
}

TEST(AuthApiTest, MalformedBodiesAre400And415) {
  Harness h;
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/register", "{not json").status, 400);
  auto wrong_type = h.Call(Method::kPost, "/api/v1/auth/register",
                           Json({{"email", 42}, {"password", "long-enough"}, {"name", "Ann"}}));
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  http::Request req;
  req.method = Method::kPost;
  req.method_name = "POST";
  req.SetTarget("/api/v1/auth/register");
  req.headers.Set("Content-Type", "text/plain");
  req.body = "email=a@b.co";
  EXPECT_EQ(shop::testing::RunAwait(h.module.Dispatch(req)).status, 415);
}

TEST(AuthApiTest, IsAdminIsIgnoredAtRegistration) {
  Harness h;
  auto res = h.Call(Method::kPost, "/api/v1/auth/register",
                    Json({{"email", "mallory@example.com"}, {"password", "s3cret-pass"}, {"name", "M"},
                          {"is_admin", true}, {"roles", boost::json::array{"admin"}}}));
  ASSERT_EQ(res.status, 201);
  EXPECT_EQ(Harness::Body(res).at("is_admin"), false);
  auto tokens = h.Login("mallory@example.com", "s3cret-pass");
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/users", {}, tokens.access).status, 403);
}

TEST(AuthApiTest, LoginReturnsAVerifiableTokenPair) {
  Harness h;
  const auto id = h.Register("ann@example.com", "s3cret-pass");
  auto res = h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "ANN@example.com "}, {"password", "s3cret-pass"}}));
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = Harness::Body(res);
  EXPECT_EQ(body.at("token_type"), "Bearer");
  EXPECT_EQ(body.at("expires_in").as_int64(), 900);
  EXPECT_EQ(body.at("refresh_token").as_string().size(), 43u);  // 256 bits, base64url
  EXPECT_EQ(res.headers.Get("Cache-Control").value_or(""), "no-store");
  auto principal = h.component->verifier()->Verify(std::string(body.at("access_token").as_string()));
  ASSERT_TRUE(principal) << principal.error().detail;
  EXPECT_EQ(principal->user_id, id);
  EXPECT_EQ(principal->email, "ann@example.com");
  EXPECT_EQ(principal->roles, std::vector<std::string>{"customer"});
}

TEST(AuthApiTest, WrongPasswordAndUnknownEmailGiveIdenticalAnswers) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto wrong = h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "ann@example.com"}, {"password", "nope-nope"}}));
  auto unknown = h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "zed@example.com"}, {"password", "nope-nope"}}));
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.headers.Get("WWW-Authenticate"), unknown.headers.Get("WWW-Authenticate"));
  EXPECT_TRUE(wrong.headers.Get("WWW-Authenticate").value_or("").starts_with("Bearer"));
}

TEST(AuthApiTest, RefreshRotatesThePair) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto first = h.Login("ann@example.com", "s3cret-pass");
  auto res = h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", first.refresh}}));
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = Harness::Body(res);
  const std::string second_refresh(body.at("refresh_token").as_string());
  EXPECT_NE(second_refresh, first.refresh);
  EXPECT_TRUE(h.component->verifier()->Verify(std::string(body.at("access_token").as_string())));
  // The new refresh token works once more.
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", second_refresh}})).status, 200);
}

TEST(AuthApiTest, ReusedRefreshTokenIs401AndRevokesTheWholeFamily) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto stolen = h.Login("ann@example.com", "s3cret-pass");
  auto other_session = h.Login("ann@example.com", "s3cret-pass");
  auto rotated = Harness::Body(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", stolen.refresh}})));
  const std::string current(rotated.at("refresh_token").as_string());

  auto replay = h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", stolen.refresh}}));
  EXPECT_EQ(replay.status, 401);
  EXPECT_TRUE(replay.headers.Get("WWW-Authenticate"));
  // The legitimate holder's current token died with the family...
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", current}})).status, 401);
  // ...but another login (another family) is untouched.
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", other_session.refresh}})).status, 200);
}

TEST(AuthApiTest, UnknownAndExpiredRefreshTokensAre401) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto t = h.Login("ann@example.com", "s3cret-pass");
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", "made-up"}})).status, 401);
  h.clock.Advance((30LL * 24 * 3600 + 1) * 1000);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", t.refresh}})).status, 401);
}

TEST(AuthApiTest, LogoutWithARefreshTokenRevokesThatSessionOnly) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  auto laptop = h.Login("ann@example.com", "s3cret-pass");
  auto phone = h.Login("ann@example.com", "s3cret-pass");
  auto res = h.Call(Method::kPost, "/api/v1/auth/logout", Json({{"refresh_token", laptop.refresh}}), laptop.access);
  EXPECT_EQ(res.status, 204) << res.body;
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", laptop.refresh}})).status, 401);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", phone.refresh}})).status, 200);
}

TEST(AuthApiTest, LogoutWithoutABodyRevokesEverySessionOfTheUser) {
  Harness h;
  h.Register("ann@example.com", "s3cret-pass");
  h.Register("bob@example.com", "s3cret-pass");
  auto laptop = h.Login("ann@example.com", "s3cret-pass");
  auto phone = h.Login("ann@example.com", "s3cret-pass");
  auto bob = h.Login("bob@example.com", "s3cret-pass");
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/logout", {}, laptop.access).status, 204);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", laptop.refresh}})).status, 401);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", phone.refresh}})).status, 401);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", bob.refresh}})).status, 200);
}

TEST(AuthApiTest, LogoutNeedsABearerToken) {
  Harness h;
  auto res = h.Call(Method::kPost, "/api/v1/auth/logout");
  EXPECT_EQ(res.status, 401);
  EXPECT_TRUE(res.headers.Get("WWW-Authenticate"));
}

TEST(AuthApiTest, LoginThrottlingIs429WithRetryAfterAndSuccessesAreNotCounted) {
  auto cfg = TestConfig();
  cfg.login_max_failures_per_account = 3;
  cfg.login_max_failures_per_ip = 5;
  Harness h(cfg);
  h.Register("ann@example.com", "s3cret-pass");
  // Many successes from one address (a busy office) count for nothing.
  for (int i = 0; i < 8; ++i) h.Login("ann@example.com", "s3cret-pass");
  const auto bad = Json({{"email", "ann@example.com"}, {"password", "wrong-pass"}});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/login", bad).status, 401);
  auto limited = h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "ann@example.com"}, {"password", "s3cret-pass"}}));
  EXPECT_EQ(limited.status, 429) << "even the right password waits: guessing must not continue";
  EXPECT_EQ(limited.headers.Get("Retry-After").value_or(""), "900");
  // Two more failures on other accounts from the same IP reach the IP limit (5).
  const auto other = Json({{"email", "x@example.com"}, {"password", "wrong-pass"}});
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/login", other).status, 401);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/login", other).status, 401);
  auto ip_limited = h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "y@example.com"}, {"password", "p"}}));
  EXPECT_EQ(ip_limited.status, 429);
  EXPECT_EQ(ip_limited.headers.Get("Retry-After").value_or(""), "60");
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "y@example.com"}, {"password", "p"}}), {},
                   "198.51.100.1").status,
            401)
      << "another address is not limited";
  h.clock.Advance(900'000);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "ann@example.com"}, {"password", "s3cret-pass"}})).status, 200);
}

TEST(AuthApiTest, JwksPublishesTheKeyThatVerifiesIssuedTokens) {
  Harness h;
  auto res = h.Call(Method::kGet, "/.well-known/jwks.json");
  ASSERT_EQ(res.status, 200);
  auto keys = auth::KeySet::FromJwks(res.body);
  ASSERT_TRUE(keys);
  ASSERT_EQ((*keys)->Kids().size(), 1u);
  EXPECT_EQ(res.body.find("\"d\""), std::string::npos) << "never the private key";
  auth::TokenVerifier remote(*keys, {}, h.clock);  // what another service builds from the JWKS
  auto t = h.AdminLogin();
  auto p = remote.Verify(t.access);
  ASSERT_TRUE(p) << p.error().detail;
  EXPECT_TRUE(p->is_admin);
}

TEST(AuthApiTest, SigningKeyIsPersistedWithMode0600AndReusedOnRestart) {
  Harness h;
  const auto kid = h.component->keys()->Kids().at(0);
  struct stat st {};
  ASSERT_EQ(::stat((h.data_dir.path() / "jwt-signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // A second component over the same data dir (a restart) signs with the same key.
  http::Module module("user-service-2", 1);
  runtime::ServiceContext ctx2{h.ctx->service, h.ctx->db, h.ctx->bus, module, h.ctx->clock,
                               nullptr,         h.ctx->data_dir, h.ctx->upstream};
  {
    Component again(ctx2, TestConfig());
    EXPECT_EQ(again.keys()->Kids(), std::vector<std::string>{kid});
  }
  module.Stop();
}

}  // namespace
}  // namespace shop::user
