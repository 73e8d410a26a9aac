#include "shop/observability/metrics.hpp"

#include <gtest/gtest.h>

namespace shop::metrics {
namespace {

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override { ResetForTesting(); }
};

bool Contains(const std::string& text, std::string_view needle) { return text.find(needle) != std::string::npos; }

TEST_F(MetricsTest, CountersAccumulatePerLabelSet) {
  Inc("orders_placed_total", {{"currency", "USD"}});
  Inc("orders_placed_total", {{"currency", "USD"}}, 2);
  Inc("orders_placed_total", {{"currency", "EUR"}});
  EXPECT_EQ(Value("orders_placed_total", {{"currency", "USD"}}), 3);
  EXPECT_EQ(Value("orders_placed_total", {{"currency", "EUR"}}), 1);
  EXPECT_EQ(Value("orders_placed_total", {{"currency", "GBP"}}), 0);
}

TEST_F(MetricsTest, GaugesSetAndMove) {
  Set("queue_depth", {}, 5);
  Add("queue_depth", {}, -2);
  EXPECT_EQ(Value("queue_depth", {}), 3);
}

TEST_F(MetricsTest, RenderHasHelpTypeAndSeries) {
  Describe("jobs_total", "counter", "Jobs run.");
  Inc("jobs_total", {{"kind", "sweep"}});
  Set("temperature", {}, 21.5);
  const auto text = Render();
  EXPECT_TRUE(Contains(text, "# HELP jobs_total Jobs run.\n# TYPE jobs_total counter\njobs_total{kind=\"sweep\"} 1\n"));
  EXPECT_TRUE(Contains(text, "# TYPE temperature gauge\ntemperature 21.5\n"));
}

TEST_F(MetricsTest, HistogramBucketsAreCumulative) {
  Observe("latency_seconds", {{"route", "/x"}}, 0.003);
  Observe("latency_seconds", {{"route", "/x"}}, 0.2);
  Observe("latency_seconds", {{"route", "/x"}}, 42);
  const auto text = Render();
  EXPECT_TRUE(Contains(text, "# TYPE latency_seconds histogram\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.0005\"} 0\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.0025\"} 0\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"0.25\"} 2\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"10\"} 2\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_sum{route=\"/x\"} 42.203\n"));
  EXPECT_TRUE(Contains(text, "latency_seconds_count{route=\"/x\"} 3\n"));
  EXPECT_EQ(Value("latency_seconds", {{"route", "/x"}}), 3);
}

TEST_F(MetricsTest, LabelValuesAreEscaped) {
  EXPECT_EQ(EscapeLabelValue("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
  Inc("weird_total", {{"path", "/a\"b"}});
  EXPECT_TRUE(Contains(Render(), "weird_total{path=\"/a\\\"b\"} 1\n"));
}

TEST_F(MetricsTest, BuildInfoIsAlwaysPresent) {
  const auto text = Render();
  EXPECT_TRUE(Contains(text, "# TYPE shop_build_info gauge\n"));
  EXPECT_TRUE(Contains(text, "shop_build_info{version=\"" + std::string(BuildVersion()) + "\"} 1\n"));
  EXPECT_FALSE(BuildVersion().empty());
}

TEST_F(MetricsTest, RecordRequestFeedsCounterAndHistogram) {
  RecordRequest("user-service", "POST", "/api/v1/auth/login", 200, 0.05);
  RecordRequest("user-service", "POST", "/api/v1/auth/login", 401, 0.01);
  EXPECT_EQ(Value("http_requests_total",
                  {{"service", "user-service"}, {"method", "POST"}, {"route", "/api/v1/auth/login"}, {"status", "401"}}),
            1);
  EXPECT_EQ(Value("http_request_duration_seconds",
                  {{"service", "user-service"}, {"method", "POST"}, {"route", "/api/v1/auth/login"}}),
            2);
  const auto text = Render();
  EXPECT_TRUE(Contains(text, "# HELP http_requests_total "));
  EXPECT_TRUE(Contains(text, "# TYPE http_request_duration_seconds histogram\n"));
}

TEST_F(MetricsTest, EveryLineIsCommentOrSample) {
  Inc("a_total", {{"x", "1"}});
  Observe("b_seconds", {}, 0.1);
  const auto text = Render();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::size_t start = 0;
  while (start < text.size()) {
    const auto end = text.find('\n', start);
    const auto line = text.substr(start, end - start);
    SCOPED_TRACE(line);
    EXPECT_FALSE(line.empty());
    if (line[0] != '#') {
      const auto space = line.rfind(' ');
      ASSERT_NE(space, std::string::npos);
      EXPECT_NO_THROW((void)std::stod(line.substr(space + 1)));
    }
    start = end + 1;
  }
}

}  // namespace
}  // namespace shop::metrics
