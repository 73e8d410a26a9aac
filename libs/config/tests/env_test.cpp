#include "shop/config/env.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>

namespace shop::config {
namespace {

EnvReader From(std::map<std::string, std::string> vars) {
  return EnvReader([vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(EnvReaderTest, ReadsValuesAndFallsBack) {
  auto env = From({{"PORT", "8081"}, {"NAME", "svc"}, {"DEBUG", "TRUE"}, {"MODE", "embedded"}, {"EMPTY", ""}});
  EXPECT_EQ(env.Int("PORT", 1, 1, 65535), 8081);
  EXPECT_EQ(env.Int("OTHER_PORT", 9000, 1, 65535), 9000);
  EXPECT_EQ(env.String("NAME", "x"), "svc");
  EXPECT_EQ(env.String("EMPTY", "fallback"), "fallback");
  EXPECT_TRUE(env.Bool("DEBUG", false));
  EXPECT_FALSE(env.Bool("UNSET", false));
  EXPECT_EQ(env.Choice("MODE", "distributed", {"embedded", "distributed"}), "embedded");
  EXPECT_TRUE(env.Finish());
}

TEST(EnvReaderTest, BadIntegerNamesTheVariableAndValue) {
  auto env = From({{"PORT", "80a"}});
  EXPECT_EQ(env.Int("PORT", 8080, 1, 65535), 8080);
  auto f = env.Finish();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code, Errc::kInvalid);
  ASSERT_EQ(f.error().fields.size(), 1u);
  EXPECT_EQ(f.error().fields[0].field, "PORT");
  EXPECT_EQ(f.error().detail, "PORT: must be an integer in 1..65535 (got \"80a\")");
}

TEST(EnvReaderTest, CollectsEveryProblem) {
  auto env = From({{"PORT", "70000"}, {"VERBOSE", "maybe"}, {"MODE", "cloud"}, {"DATABASE_URL", "mysql://u:pw@h/db"}});
  env.Int("PORT", 8080, 1, 65535);
  env.Bool("VERBOSE", false);
  env.Choice("MODE", "embedded", {"embedded", "distributed"});
  env.DatabaseUrl("DATABASE_URL", "sqlite::memory:");
  env.Required("JWT_SECRET");
  auto f = env.Finish();
  ASSERT_FALSE(f);
  std::vector<std::string> names;
  for (const auto& e : f.error().fields) names.push_back(e.field);
  EXPECT_EQ(names, (std::vector<std::string>{"PORT", "VERBOSE", "MODE", "DATABASE_URL", "JWT_SECRET"}));
  EXPECT_NE(f.error().detail.find("MODE: must be one of embedded, distributed (got \"cloud\")"), std::string::npos);
  EXPECT_NE(f.error().detail.find("JWT_SECRET: is required"), std::string::npos);
  EXPECT_EQ(f.error().detail.find("pw@"), std::string::npos);  // a database URL may hold a password
}

TEST(EnvReaderTest, AcceptsSupportedDatabaseUrls) {
  auto env = From({{"A", "sqlite:///var/lib/shop/user.db"},
                   {"B", "sqlite::memory:"},
                   {"C", "postgresql://shop@db:5432/users"},
                   {"D", "sqlite://"}});
  EXPECT_EQ(env.DatabaseUrl("A", ""), "sqlite:///var/lib/shop/user.db");
  EXPECT_EQ(env.DatabaseUrl("B", ""), "sqlite::memory:");
  EXPECT_EQ(env.DatabaseUrl("C", ""), "postgresql://shop@db:5432/users");
  EXPECT_EQ(env.DatabaseUrl("MISSING", "sqlite::memory:"), "sqlite::memory:");
  EXPECT_TRUE(env.Finish());
  env.DatabaseUrl("D", "");
  EXPECT_FALSE(env.Finish());
}

TEST(EnvReaderTest, RequiredReturnsTheValue) {
  auto env = From({{"JWT_SECRET", "s3cret"}});
  EXPECT_EQ(env.Required("JWT_SECRET"), "s3cret");
  EXPECT_TRUE(env.Finish());
}

TEST(EnvReaderTest, DefaultLookupReadsTheProcessEnvironment) {
  ::setenv("SHOP_CONFIG_TEST_PORT", "1234", 1);
  EnvReader env;
  EXPECT_EQ(env.Int("SHOP_CONFIG_TEST_PORT", 1, 1, 65535), 1234);
  ::unsetenv("SHOP_CONFIG_TEST_PORT");
  EXPECT_EQ(env.Int("SHOP_CONFIG_TEST_PORT", 7, 1, 65535), 7);
}

}  // namespace
}  // namespace shop::config
