// Raising the Argon2id parameters takes effect at each user's next successful login.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

std::string StoredHash(db::Database& db, std::string_view email) {
  auto row = db.Read([&](db::Tx& tx) { return tx.QueryOne("SELECT password_hash FROM users WHERE email = $1", {email}); });
  return row && *row ? (*row)->Text(0) : std::string{};
}

TEST(RehashTest, LoginRehashesAPasswordMadeWithOlderParameters) {
  testing::Harness h;  // hashes at libsodium's minimum (m = 8 KiB, t = 1)
  h.Register("ann@example.com", "ann-password");
  const auto before = StoredHash(*h.db, "ann@example.com");
  EXPECT_NE(before.find("m=8,t=1"), std::string::npos) << before;

  // The same database served with stronger parameters (a new release raising the cost).
  http::Module module("user-service-2", 1);
  auto cfg = testing::TestConfig();
  cfg.argon2_memlimit_kib = 64;
  cfg.argon2_opslimit = 2;
  runtime::ServiceContext ctx2{h.ctx->service, h.ctx->db, h.ctx->bus, module, h.ctx->clock,
                               nullptr,         h.ctx->data_dir, h.ctx->upstream};
  {
    Component stronger(ctx2, cfg);
    http::Request req;
    req.method = http::Method::kPost;
    req.method_name = "POST";
    req.SetTarget("/api/v1/auth/login");
    req.headers.Set("Content-Type", "application/json");
    req.body = json::Serialize(boost::json::object{{"email", "ann@example.com"}, {"password", "wrong-password"}});
    EXPECT_EQ(shop::testing::RunAwait(module.Dispatch(req)).status, 401);
    EXPECT_EQ(StoredHash(*h.db, "ann@example.com"), before) << "a failed login changes nothing";
    req.body = json::Serialize(boost::json::object{{"email", "ann@example.com"}, {"password", "ann-password"}});
    EXPECT_EQ(shop::testing::RunAwait(module.Dispatch(req)).status, 200);
  }
  module.Stop();
  const auto after = StoredHash(*h.db, "ann@example.com");
  EXPECT_NE(after.find("m=64,t=2"), std::string::npos) << after;
  h.Login("ann@example.com", "ann-password");  // the upgraded hash still verifies the password
}

}  // namespace
}  // namespace shop::user
