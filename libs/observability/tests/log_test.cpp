#include "shop/observability/log.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "shop/core/time.hpp"

namespace shop::log {
namespace {

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Init("order-service", "info");
    SetWriterForTesting([this](std::string_view l) { lines.emplace_back(l); });
  }
  void TearDown() override {
    SetWriterForTesting({});
    Init("", "info");
  }
  std::vector<std::string> lines;
};

TEST_F(LogTest, WritesOneJsonObjectPerLine) {
  Info("request", {{"method", std::string_view("GET")}, {"status", std::int64_t{200}}, {"ms", 1.5}, {"ok", true}});
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].find('\n'), std::string::npos);
  auto o = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(o.at("level").as_string(), "info");
  EXPECT_EQ(o.at("service").as_string(), "order-service");
  EXPECT_EQ(o.at("msg").as_string(), "request");
  EXPECT_EQ(o.at("method").as_string(), "GET");
  EXPECT_EQ(o.at("status").as_int64(), 200);
  EXPECT_EQ(o.at("ms").as_double(), 1.5);
  EXPECT_EQ(o.at("ok").as_bool(), true);
  EXPECT_TRUE(lines[0].starts_with(R"({"time":")"));
}

TEST_F(LogTest, TimeIsRfc3339MillisUtc) {
  Info("t");
  auto o = boost::json::parse(lines.at(0)).as_object();
  const std::string time(o.at("time").as_string());
  EXPECT_EQ(time.size(), 24u);  // 2026-11-24T11:07:11.123Z
  EXPECT_EQ(time.back(), 'Z');
  EXPECT_TRUE(ParseRfc3339(time).has_value());
}

TEST_F(LogTest, EscapesStringsSoEveryLineStaysValidJson) {
  Error("bad \"quote\"\n", {{"detail", std::string_view("tab\there \\ back\x01 ctl \xff bad-utf8 \xc3\xa9")}});
  ASSERT_EQ(lines.size(), 1u);
  auto o = boost::json::parse(lines[0]).as_object();
  EXPECT_EQ(o.at("msg").as_string(), "bad \"quote\"\n");
  EXPECT_EQ(o.at("detail").as_string(), "tab\there \\ back\x01 ctl \xef\xbf\xbd bad-utf8 \xc3\xa9");
}

TEST_F(LogTest, LevelFiltersLowerLevels) {
  Debug("hidden");
  EXPECT_TRUE(lines.empty());
  EXPECT_FALSE(Enabled(Level::kDebug));
  Init("order-service", "error");
  Warn("hidden too");
  Error("shown");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find("\"level\":\"error\""), std::string::npos);
  Init("order-service", "debug");
  Debug("now shown");
  EXPECT_EQ(lines.size(), 2u);
}

TEST(LogLevelTest, ParsesNamesCaseInsensitively) {
  EXPECT_EQ(ParseLevel("TRACE"), Level::kTrace);
  EXPECT_EQ(ParseLevel("debug"), Level::kDebug);
  EXPECT_EQ(ParseLevel("warning"), Level::kWarn);
  EXPECT_EQ(ParseLevel("Warn"), Level::kWarn);
  EXPECT_EQ(ParseLevel("error"), Level::kError);
  EXPECT_EQ(ParseLevel("nonsense"), Level::kInfo);
  EXPECT_EQ(ParseLevel(""), Level::kInfo);
}

TEST(LogFormatTest, NonFiniteNumbersBecomeNull) {
  auto line = FormatLine(Level::kWarn, "m", {{"x", std::numeric_limits<double>::infinity()}});
  auto o = boost::json::parse(line).as_object();
  EXPECT_TRUE(o.at("x").is_null());
  EXPECT_EQ(o.at("level").as_string(), "warn");
}

}  // namespace
}  // namespace shop::log
