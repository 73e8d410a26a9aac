// The bootstrap admin (ADMIN_EMAIL/ADMIN_PASSWORD) and the admin CLI.
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using http::Method;
using testing::Harness;

TEST(BootstrapTest, AdminFromTheEnvironmentCanLogInAsAdmin) {
  Harness h;
  auto t = h.AdminLogin();
  auto me = Harness::Body(h.Call(Method::kGet, "/api/v1/users/me", {}, t.access));
  EXPECT_EQ(me.at("email").as_string(), testing::kAdminEmail);
  EXPECT_EQ(me.at("is_admin"), true);
}

TEST(BootstrapTest, ExistingAccountIsPromotedAndKeepsItsPassword) {
  auto cfg = testing::TestConfig();
  cfg.admin_email.clear();
  Harness h(cfg);
  h.Register("boss@example.com", "boss-password");
  http::Module module("user-service-2", 1);
  auto cfg2 = testing::TestConfig();
  cfg2.admin_email = "BOSS@example.com";
  cfg2.admin_password = "ignored-for-existing";
  runtime::ServiceContext ctx2{h.ctx->service, h.ctx->db, h.ctx->bus, module, h.ctx->clock,
                               nullptr,         h.ctx->data_dir, h.ctx->upstream};
  { Component again(ctx2, cfg2); }
  module.Stop();
  auto t = h.Login("boss@example.com", "boss-password");
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/users", {}, t.access).status, 200);
}

TEST(BootstrapTest, AdminCliCreatesThenReportsAnExistingAdmin) {
  shop::testing::TempDir dir;
  const std::string url = "sqlite://" + (dir.path() / "user.db").string();
  ::setenv("DATABASE_URL", url.c_str(), 1);
  ::setenv("ARGON2_MEMLIMIT_KIB", "8", 1);
  ::setenv("ARGON2_OPSLIMIT", "1", 1);
  const char* args[] = {"user-service", "admin", "create", "--email", "Cli@Example.com", "--password",
                        "cli-password-1", "--name", "CLI"};
  EXPECT_EQ(RunAdminCli(9, const_cast<char**>(args)), 0);
  EXPECT_EQ(RunAdminCli(9, const_cast<char**>(args)), 0) << "running it again is fine";
  auto db = runtime::OpenDatabase(url, kServiceName, Migrations());
  ASSERT_TRUE(db);
  auto row = (*db)->Read([](db::Tx& tx) { return tx.QueryOne("SELECT email, is_admin, name FROM users"); });
  ASSERT_TRUE(row && *row);
  EXPECT_EQ((*row)->Text(0), "cli@example.com");
  EXPECT_TRUE((*row)->Bool(1));
  EXPECT_EQ((*row)->Text(2), "CLI");
  const char* bad[] = {"user-service", "admin", "create", "--email"};
  EXPECT_EQ(RunAdminCli(4, const_cast<char**>(bad)), 2);
  ::unsetenv("DATABASE_URL");
  ::unsetenv("ARGON2_MEMLIMIT_KIB");
  ::unsetenv("ARGON2_OPSLIMIT");
}

}  // namespace
}  // namespace shop::user

namespace shop::user {
namespace {

TEST(BootstrapTest, RotateKeyCliKeepsTheOldKeyPublishedAfterRestart) {
  Harness h;
  const auto old_kid = h.component->keys()->Kids().at(0);
  const auto old_token = h.AdminLogin().access;
  ::setenv("DATA_DIR", h.data_dir.path().c_str(), 1);
  const char* args[] = {"user-service", "admin", "rotate-key"};
  EXPECT_EQ(RunAdminCli(3, const_cast<char**>(args)), 0);
  ::unsetenv("DATA_DIR");
  // The restarted service signs with the new key and still accepts the old key's tokens.
  http::Module module("user-service-2", 1);
  runtime::ServiceContext ctx2{h.ctx->service, h.ctx->db, h.ctx->bus, module, h.ctx->clock,
                               nullptr,         h.ctx->data_dir, h.ctx->upstream};
  {
    Component restarted(ctx2, testing::TestConfig());
    const auto kids = restarted.keys()->Kids();
    ASSERT_EQ(kids.size(), 2u);
    EXPECT_TRUE(std::find(kids.begin(), kids.end(), old_kid) != kids.end());
    auto p = restarted.verifier()->Verify(old_token);
    EXPECT_TRUE(p) << (p ? "" : p.error().detail);
  }
  module.Stop();
}

}  // namespace
}  // namespace shop::user
