#include <gtest/gtest.h>

#include <map>

#include "config.hpp"

namespace shop::payment {
namespace {

config::EnvReader Env(std::map<std::string, std::string> vars) {
  return config::EnvReader([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ConfigTest, SandboxIsTheDefaultProvider) {
  auto env = Env({});
  auto cfg = Config::FromEnv(env);
  ASSERT_TRUE(cfg);
  EXPECT_EQ(cfg->provider, "sandbox");
}

TEST(ConfigTest, StripeIsRejectedNamingStripeApiKeyAsFutureWork) {
  auto env = Env({{"PAYMENT_PROVIDER", "stripe"}, {"STRIPE_API_KEY", "sk_test_x"}});
  auto cfg = Config::FromEnv(env);
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().detail.find("PAYMENT_PROVIDER"), std::string::npos);
  EXPECT_NE(cfg.error().detail.find("STRIPE_API_KEY"), std::string::npos);
  EXPECT_NE(cfg.error().detail.find("future work"), std::string::npos);
  EXPECT_EQ(cfg.error().detail.find("sk_test_x"), std::string::npos);
}

TEST(ConfigTest, UnknownProviderIsRejected) {
  auto env = Env({{"PAYMENT_PROVIDER", "paypal"}});
  auto cfg = Config::FromEnv(env);
  ASSERT_FALSE(cfg);
  EXPECT_NE(cfg.error().detail.find("PAYMENT_PROVIDER"), std::string::npos);
}

}  // namespace
}  // namespace shop::payment
