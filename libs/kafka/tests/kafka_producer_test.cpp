// The private producer: delivery-report waits and recovery from an idempotent producer's fatal
// error (librdkafka fails every later message of that producer instance).
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>

#include "kafka_test_support.hpp"
#include "producer.hpp"

namespace shop::events::kafka_detail {
namespace {

TEST(KafkaProducerTest, SendWaitsForTheAcknowledgementAndCarriesHeaders) {
  const std::string topic = "p1-orders";
  testing::CreateTopics(topic);
  Producer producer(testing::TestOptions("p1-service"));
  ASSERT_TRUE(producer.Send(topic, "k-1", "v-1", {{"h", "x"}}));
  auto records = testing::ReadTopic(topic, 1);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].key, "k-1");
  EXPECT_EQ(records[0].value, "v-1");
  EXPECT_EQ(records[0].headers.at("h"), "x");
}

TEST(KafkaProducerTest, FatalIdempotenceErrorFailsOneSendThenAFreshProducerTakesOver) {
  const std::string topic = "p2-orders";
  testing::CreateTopics(topic);
  Producer producer(testing::TestOptions("p2-service"));
  ASSERT_TRUE(producer.Send(topic, "k", "before"));
  const auto broken = producer.handle();
  ASSERT_EQ(rd_kafka_test_fatal_error(broken->c_ptr(), RD_KAFKA_RESP_ERR_OUT_OF_ORDER_SEQUENCE_NUMBER, "test"),
            RD_KAFKA_RESP_ERR_NO_ERROR);

  auto failed = producer.Send(topic, "k", "during");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::kUnavailable);
  EXPECT_NE(producer.handle(), broken);
  EXPECT_TRUE(producer.Send(topic, "k", "after"));
}

}  // namespace
}  // namespace shop::events::kafka_detail
