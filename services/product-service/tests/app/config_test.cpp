#include <gtest/gtest.h>

#include <map>

#include "config.hpp"

namespace shop::product {
namespace {

config::EnvReader EnvOf(std::map<std::string, std::string> vars) {
  return config::EnvReader([vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(ConfigTest, DefaultsMatchTheContract) {
  auto env = EnvOf({});
  auto c = Config::FromEnv(env);
  ASSERT_TRUE(env.Finish());
  EXPECT_EQ(c.reservation_ttl_s, 900);
  EXPECT_EQ(c.sweep_interval_ms, 1000);
  EXPECT_EQ(c.cache_max_age_s, 30);
  EXPECT_FALSE(c.demo_catalog);
}

TEST(ConfigTest, ReadsOverridesAndRejectsNonsense) {
  auto env = EnvOf({{"RESERVATION_TTL_S", "60"}, {"RESERVATION_SWEEP_MS", "250"}, {"DEMO_CATALOG", "1"}});
  auto c = Config::FromEnv(env);
  ASSERT_TRUE(env.Finish());
  EXPECT_EQ(c.reservation_ttl_s, 60);
  EXPECT_EQ(c.sweep_interval_ms, 250);
  EXPECT_TRUE(c.demo_catalog);
  auto bad = EnvOf({{"RESERVATION_TTL_S", "soon"}, {"RESERVATION_SWEEP_MS", "0"}});
  (void)Config::FromEnv(bad);
  auto r = bad.Finish();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
  EXPECT_EQ(r.error().fields.size(), 2u);
}

}  // namespace
}  // namespace shop::product
