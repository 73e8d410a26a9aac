// A scripted session through every route (behind the real middleware pipeline): no response body
// or header ever carries a password, a password hash, the signing key or a refresh-token secret
// other than in the one response that issues it; no log line carries any of them, nor a token.
#include <gtest/gtest.h>

#include <fstream>

#include "harness.hpp"
#include "shop/db/database.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using http::Method;
using testing::Harness;

TEST(NoSecretsTest, NoResponseCarriesAPasswordHashOrForeignRefreshToken) {
  Harness h;
  h.through_pipeline = true;
  ::testing::internal::CaptureStderr();
  const std::string pw = "Pa55word-Zebra-Unique-1";
  const std::string pw2 = "Second-Secret-Zebra-2";
  std::vector<std::pair<std::string, http::Response>> log;
  auto call = [&](Method m, std::string target, std::string body = {}, std::string_view token = {}) {
    auto res = h.Call(m, target, body, token);
    log.emplace_back(target, res);
    return res;
  };
  auto J = [](const boost::json::object& o) { return json::Serialize(o); };

  auto reg = call(Method::kPost, "/api/v1/auth/register", J({{"email", "ann@example.com"}, {"password", pw}, {"name", "Ann"}}));
  const std::string id(Harness::Body(reg).at("id").as_string());
  call(Method::kPost, "/api/v1/auth/register", J({{"email", "ann@example.com"}, {"password", pw}, {"name", "Ann"}}));
  call(Method::kPost, "/api/v1/auth/register", J({{"email", "bad"}, {"password", pw}, {"name", ""}}));
  call(Method::kPost, "/api/v1/auth/login", J({{"email", "ann@example.com"}, {"password", pw + "x"}}));
  auto login = call(Method::kPost, "/api/v1/auth/login", J({{"email", "ann@example.com"}, {"password", pw}}));
  const std::string access(Harness::Body(login).at("access_token").as_string());
  const std::string refresh1(Harness::Body(login).at("refresh_token").as_string());
  auto refreshed = call(Method::kPost, "/api/v1/auth/refresh", J({{"refresh_token", refresh1}}));
  const std::string refresh2(Harness::Body(refreshed).at("refresh_token").as_string());
  call(Method::kPost, "/api/v1/auth/refresh", J({{"refresh_token", refresh1}}));  // reuse
  call(Method::kGet, "/api/v1/users/me", {}, access);
  call(Method::kGet, "/api/v1/users/" + id, {}, access);
  call(Method::kPut, "/api/v1/users/" + id, J({{"password", pw2}}), access);
  call(Method::kPut, "/api/v1/users/" + id, J({{"password", "short"}}), access);
  auto admin = h.AdminLogin();
  call(Method::kGet, "/api/v1/users?limit=100", {}, admin.access);
  call(Method::kPost, "/api/v1/users", J({{"email", "ops@example.com"}, {"password", pw}, {"name", "Ops"}}), admin.access);
  call(Method::kGet, "/.well-known/jwks.json");
  call(Method::kPost, "/api/v1/auth/logout", J({{"refresh_token", refresh2}}), access);
  call(Method::kDelete, "/api/v1/users/" + id, {}, admin.access);

  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logs.find("/api/v1/auth/login"), std::string::npos) << "the access log was captured";

  // Every hash that exists now, and the private key file's seed.
  std::vector<std::string> hashes;
  auto rows = (*h.db).Read([](db::Tx& tx) { return tx.Query("SELECT password_hash FROM users"); });
  ASSERT_TRUE(rows);
  for (const auto& r : *rows) hashes.push_back(r.Text(0));
  ASSERT_FALSE(hashes.empty());

  // The signing key's seed, from the key file ("current <seed>").
  std::ifstream key_file(h.data_dir.path() / "jwt-signing.key");
  std::string line, seed;
  while (std::getline(key_file, line)) {
    if (line.starts_with("current ")) seed = line.substr(8);
  }
  ASSERT_FALSE(seed.empty());

  for (const auto& [target, res] : log) {
    std::string all = res.body;
    for (const auto& [k, v] : res.headers) all += "\n" + k + ": " + v;
    for (const auto& secret : {pw, pw2, std::string("argon2"), seed}) {
      EXPECT_EQ(all.find(secret), std::string::npos) << target << " leaked a secret: " << all;
    }
    for (const auto& hash : hashes) EXPECT_EQ(all.find(hash), std::string::npos) << target;
    // A refresh token appears only in the response that issued it.
    if (res.body != login.body) {
      EXPECT_EQ(all.find(refresh1), std::string::npos) << target;
    }
    if (res.body != refreshed.body) {
      EXPECT_EQ(all.find(refresh2), std::string::npos) << target;
    }
  }
  for (const auto& secret : {pw, pw2, std::string("argon2"), seed, refresh1, refresh2, access, admin.access,
                             admin.refresh}) {
    EXPECT_EQ(logs.find(secret), std::string::npos) << "a log line carries a secret";
  }
  for (const auto& hash : hashes) EXPECT_EQ(logs.find(hash), std::string::npos);
  EXPECT_EQ(logs.find("eyJ"), std::string::npos) << "no JWT (nor any base64 JSON) in the logs";
}

}  // namespace
}  // namespace shop::user
