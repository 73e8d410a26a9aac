// KafkaBus dead-letter handling: bounded retries, then `<topic>.dlq` with the failure in headers.
#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

#include "kafka_test_support.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

using testing::CreateTopics;
using testing::ReadTopic;
using testing::TestOptions;
using testing::WaitFor;

TEST(KafkaDeadLetterTest, FailingHandlerIsRetriedThenTheMessageLandsInTheDeadLetterTopic) {
  const std::string topic = "t3-payments";
  CreateTopics(topic);
  auto options = TestOptions("t3-service");
  options.retry.max_attempts = 3;
  KafkaBus bus(options);
  std::atomic<int> calls{0};
  std::atomic<int> later_handled{0};
  bus.Subscribe(topic, "t3-consumer", [&](const Envelope& e) -> Result<void> {
    if (e.event_type == "Later") {
      ++later_handled;
      return Ok();
    }
    ++calls;
    return Error::Unavailable("ledger down");
  });
  bus.Start();

  auto poison = Make(topic, "PaymentCaptured", "pay-7", {{"amount_cents", 500}});
  ASSERT_TRUE(bus.Publish(poison));
  ASSERT_TRUE(WaitFor([&] { return metrics::Value("shop_kafka_dlq_total", {{"service", "t3-service"}, {"topic", topic}}) >= 1; }));
  EXPECT_EQ(calls, 3);

  auto records = ReadTopic(topic + ".dlq", 1);
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  EXPECT_EQ(r.key, "pay-7");
  EXPECT_EQ(r.value, poison.ToJson());
  EXPECT_NE(r.headers.at("failure-reason").find("ledger down"), std::string::npos) << r.headers.at("failure-reason");
  EXPECT_EQ(r.headers.at("consumer"), "t3-consumer");
  EXPECT_EQ(r.headers.at("attempts"), "3");
  EXPECT_EQ(r.headers.at("original-topic"), topic);

  // The dead-lettered message no longer blocks its partition (same key, same partition).
  ASSERT_TRUE(bus.Publish(Make(topic, "Later", "pay-7", {})));
  ASSERT_TRUE(WaitFor([&] { return later_handled == 1; }));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(metrics::Value("shop_kafka_dlq_total", {{"service", "t3-service"}, {"topic", topic}}), 1);

  // Its offset was stored: after a restart of the consumer it is not delivered again.
  bus.Stop();
  bus.Start();
  ASSERT_TRUE(WaitFor([&] { return bus.assigned_partitions() == testing::kPartitions; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(800));
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(later_handled, 1);
}

TEST(KafkaDeadLetterTest, MalformedMessageGoesStraightToTheDeadLetterTopic) {
  const std::string topic = "t4-orders";
  CreateTopics(topic);
  KafkaBus bus(TestOptions("t4-service"));
  std::atomic<int> calls{0};
  bus.Subscribe(topic, "t4-consumer", [&](const Envelope&) -> Result<void> {
    ++calls;
    return Ok();
  });
  bus.Start();

  ASSERT_TRUE(testing::ProduceRaw(topic, "order-9", "this is not an envelope"));
  auto records = ReadTopic(topic + ".dlq", 1, std::chrono::seconds(15));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "order-9");
  EXPECT_EQ(records[0].value, "this is not an envelope");
  EXPECT_EQ(records[0].headers.at("failure-reason").rfind("malformed", 0), 0u) << records[0].headers.at("failure-reason");
  EXPECT_EQ(records[0].headers.at("attempts"), "0");
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(WaitFor([&] {
    return metrics::Value("shop_kafka_dlq_total", {{"service", "t4-service"}, {"topic", topic}}) == 1;
  }));
}

TEST(KafkaDeadLetterTest, ThrowingHandlerCountsAsAFailureAndIsDeadLettered) {
  const std::string topic = "t4b-orders";
  CreateTopics(topic);
  auto options = TestOptions("t4b-service");
  options.retry.max_attempts = 2;
  KafkaBus bus(options);
  std::atomic<int> calls{0};
  bus.Subscribe(topic, "t4b-consumer", [&](const Envelope&) -> Result<void> {
    ++calls;
    throw std::runtime_error("boom");
  });
  bus.Start();
  auto e = Make(topic, "OrderCreated", "order-3", {});
  ASSERT_TRUE(bus.Publish(e));
  auto records = ReadTopic(topic + ".dlq", 1, std::chrono::seconds(15));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].headers.at("failure-reason"), "threw: boom");
  EXPECT_EQ(records[0].headers.at("attempts"), "2");
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace shop::events
