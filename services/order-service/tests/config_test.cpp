#include "config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace shop::order {
namespace {

config::EnvReader Env(std::map<std::string, std::string> vars) {
  return config::EnvReader([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ConfigTest, DefaultsMatchTheDocumentation) {
  auto env = Env({});
  auto c = Config::FromEnv(env);
  ASSERT_TRUE(env.Finish());
  EXPECT_EQ(c.payment_timeout_s, 900);
  EXPECT_EQ(c.pending_timeout_s, 3600);
  EXPECT_EQ(c.sweep_interval_ms, 5000);
}

TEST(ConfigTest, PendingTimeoutFollowsALongPaymentTimeoutUnlessSet) {
  auto env = Env({{"ORDER_PAYMENT_TIMEOUT_S", "3600"}});
  auto c = Config::FromEnv(env);
  ASSERT_TRUE(env.Finish());
  EXPECT_EQ(c.pending_timeout_s, 4 * 3600);
  auto explicit_env = Env({{"ORDER_PAYMENT_TIMEOUT_S", "3600"}, {"ORDER_PENDING_TIMEOUT_S", "7200"}});
  EXPECT_EQ(Config::FromEnv(explicit_env).pending_timeout_s, 7200);
}

TEST(ConfigTest, InvalidValuesAreReportedByName) {
  auto env = Env({{"ORDER_PAYMENT_TIMEOUT_S", "soon"}, {"ORDER_SWEEP_INTERVAL_MS", "0"}});
  Config::FromEnv(env);
  auto done = env.Finish();
  ASSERT_FALSE(done);
  EXPECT_NE(done.error().detail.find("ORDER_PAYMENT_TIMEOUT_S"), std::string::npos) << done.error().detail;
  EXPECT_NE(done.error().detail.find("ORDER_SWEEP_INTERVAL_MS"), std::string::npos) << done.error().detail;
}

}  // namespace
}  // namespace shop::order
