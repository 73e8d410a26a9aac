// ReadKafkaOptions: the KAFKA_* environment of a service binary.
#include <gtest/gtest.h>

#include <map>

#include "shop/events/kafka_config.hpp"

namespace shop::events {
namespace {

config::EnvReader Env(std::map<std::string, std::string> vars) {
  return config::EnvReader([vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  });
}

TEST(KafkaConfigTest, DefaultsNameTheServiceAsGroupAndClient) {
  auto env = Env({{"KAFKA_BROKERS", "kafka:9092"}});
  const auto o = ReadKafkaOptions(env, "order-service");
  ASSERT_TRUE(env.Finish());
  EXPECT_EQ(o.brokers, "kafka:9092");
  EXPECT_EQ(o.service, "order-service");
  EXPECT_EQ(o.client_id, "order-service");
  EXPECT_TRUE(o.create_topics);
  EXPECT_EQ(o.dlq_suffix, ".dlq");
  EXPECT_EQ(o.assignment_strategy, "range");
  EXPECT_EQ(o.retry.max_attempts, 5);
  EXPECT_EQ(o.topics, DefaultTopics());
  EXPECT_EQ(o.fetch_wait_max_ms, 500);
}

TEST(KafkaConfigTest, OverridesAreReadAndBadValuesReportedTogether) {
  auto env = Env({{"KAFKA_BROKERS", "a:1,b:2"},
                  {"KAFKA_CREATE_TOPICS", "false"},
                  {"KAFKA_SESSION_TIMEOUT_MS", "4000"},
                  {"KAFKA_FETCH_WAIT_MAX_MS", "10"},
                  {"KAFKA_RETRY_MAX_ATTEMPTS", "0"},
                  {"KAFKA_ASSIGNMENT_STRATEGY", "cooperative-sticky"}});
  const auto o = ReadKafkaOptions(env, "product-service");
  EXPECT_FALSE(o.create_topics);
  EXPECT_EQ(o.session_timeout_ms, 4000);
  EXPECT_EQ(o.fetch_wait_max_ms, 10);
  auto r = env.Finish();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("KAFKA_RETRY_MAX_ATTEMPTS"), std::string::npos) << r.error().detail;
  EXPECT_NE(r.error().detail.find("KAFKA_ASSIGNMENT_STRATEGY"), std::string::npos) << r.error().detail;
}

TEST(KafkaConfigTest, MissingBrokersIsAnError) {
  auto env = Env({});
  (void)ReadKafkaOptions(env, "user-service");
  auto r = env.Finish();
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("KAFKA_BROKERS"), std::string::npos);
}

}  // namespace
}  // namespace shop::events
