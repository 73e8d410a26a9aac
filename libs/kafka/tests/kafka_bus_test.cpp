// KafkaBus against librdkafka's mock cluster: delivery, consumer-group sharing, offsets stored only
// after success. Each test uses its own topic and consumer group.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "kafka_test_support.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

using testing::CreateTopics;
using testing::TestOptions;
using testing::WaitFor;

// Records what a handler saw, thread-safely.
struct Seen {
  std::mutex mu;
  std::vector<Envelope> events;
  Handler Recorder() {
    return [this](const Envelope& e) {
      std::lock_guard lock(mu);
      events.push_back(e);
      return Ok();
    };
  }
  std::size_t size() {
    std::lock_guard lock(mu);
    return events.size();
  }
  std::size_t Count(const std::string& event_id) {
    std::lock_guard lock(mu);
    return static_cast<std::size_t>(
        std::count_if(events.begin(), events.end(), [&](const Envelope& e) { return e.event_id == event_id; }));
  }
};

TEST(KafkaBusTest, PublishedEventReachesTheHandlerOnceWithItsTopicAndKey) {
  const std::string topic = "t1-orders";
  CreateTopics(topic);
  KafkaBus bus(TestOptions("t1-service"));
  Seen seen;
  bus.Subscribe(topic, "t1-consumer", seen.Recorder());
  bus.Start();

  auto sent = Make(topic, "OrderCreated", "order-42", {{"total_cents", 1250}});
  ASSERT_TRUE(bus.Publish(sent));

  ASSERT_TRUE(WaitFor([&] { return seen.size() >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // a duplicate would show up by now
  std::lock_guard lock(seen.mu);
  ASSERT_EQ(seen.events.size(), 1u);
  const auto& got = seen.events[0];
  EXPECT_EQ(got.event_id, sent.event_id);
  EXPECT_EQ(got.event_type, "OrderCreated");
  EXPECT_EQ(got.topic, topic);
  EXPECT_EQ(got.key, "order-42");
  EXPECT_EQ(got.data.at("total_cents").as_int64(), 1250);
  EXPECT_GE(metrics::Value("shop_kafka_published_total", {{"topic", topic}}), 1);
}

TEST(KafkaBusTest, HandlersOfOtherTopicsDoNotSeeTheEvent) {
  const std::string topic = "t1b-orders";
  const std::string other = "t1b-payments";
  CreateTopics(topic);
  CreateTopics(other);
  KafkaBus bus(TestOptions("t1b-service"));
  Seen orders, payments;
  bus.Subscribe(topic, "t1b-consumer", orders.Recorder());
  bus.Subscribe(other, "t1b-consumer", payments.Recorder());
  bus.Start();
  ASSERT_TRUE(bus.Publish(Make(topic, "OrderCreated", "o-1", {})));
  ASSERT_TRUE(bus.Publish(Make(other, "PaymentCaptured", "p-1", {})));
  ASSERT_TRUE(WaitFor([&] { return orders.size() == 1 && payments.size() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  std::lock_guard lock(orders.mu);
  ASSERT_EQ(orders.events.size(), 1u);
  EXPECT_EQ(orders.events[0].event_type, "OrderCreated");
  std::lock_guard lock2(payments.mu);
  ASSERT_EQ(payments.events.size(), 1u);
  EXPECT_EQ(payments.events[0].event_type, "PaymentCaptured");
}

TEST(KafkaBusTest, TwoInstancesOfOneServiceShareTheWorkAndEachEventIsHandledOnce) {
  const std::string topic = "t2-orders";
  CreateTopics(topic);
  KafkaBus a(TestOptions("t2-service"));
  KafkaBus b(TestOptions("t2-service"));
  Seen seen_a, seen_b;
  a.Subscribe(topic, "t2-consumer", seen_a.Recorder());
  b.Subscribe(topic, "t2-consumer", seen_b.Recorder());
  a.Start();
  b.Start();
  // Publish once the group settled with both members, so no rebalance redelivers anything.
  ASSERT_TRUE(WaitFor([&] {
    return a.assigned_partitions() > 0 && b.assigned_partitions() > 0 &&
           a.assigned_partitions() + b.assigned_partitions() == testing::kPartitions;
  }));

  constexpr int kEvents = 24;
  std::vector<std::string> ids;
  for (int i = 0; i < kEvents; ++i) {
    auto e = Make(topic, "OrderCreated", "order-" + std::to_string(i), {});
    ids.push_back(e.event_id);
    ASSERT_TRUE(a.Publish(e));
  }
  ASSERT_TRUE(WaitFor([&] { return seen_a.size() + seen_b.size() >= kEvents; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(seen_a.size() + seen_b.size(), static_cast<std::size_t>(kEvents));
  EXPECT_GT(seen_a.size(), 0u);
  EXPECT_GT(seen_b.size(), 0u);
  for (const auto& id : ids) EXPECT_EQ(seen_a.Count(id) + seen_b.Count(id), 1u) << id;
}

TEST(KafkaBusTest, OffsetIsStoredOnlyAfterTheHandlerSucceeded) {
  const std::string topic = "t5-orders";
  CreateTopics(topic);
  auto options = TestOptions("t5-service");
  options.retry.max_attempts = 1000;  // keeps failing until the bus is stopped
  options.retry.initial_backoff_ms = 50;
  KafkaBus bus(options);
  std::atomic<bool> failing{true};
  std::atomic<int> bad_attempts{0};
  Seen handled;
  bus.Subscribe(topic, "t5-consumer", [&](const Envelope& e) -> Result<void> {
    if (e.event_type == "Bad") {
      ++bad_attempts;
      if (failing) return Error::Unavailable("database down");
    }
    std::lock_guard lock(handled.mu);
    handled.events.push_back(e);
    return Ok();
  });
  bus.Start();

  auto good = Make(topic, "Good", "k-good", {});
  ASSERT_TRUE(bus.Publish(good));
  ASSERT_TRUE(WaitFor([&] { return handled.Count(good.event_id) == 1; }));
  auto bad = Make(topic, "Bad", "k-bad", {});
  ASSERT_TRUE(bus.Publish(bad));
  ASSERT_TRUE(WaitFor([&] { return bad_attempts >= 2; }));

  bus.Stop();  // abandons the retry: the bad event's offset was never stored
  EXPECT_EQ(handled.Count(bad.event_id), 0u);
  const int attempts_before_restart = bad_attempts;
  failing = false;
  bus.Start();

  ASSERT_TRUE(WaitFor([&] { return handled.Count(bad.event_id) == 1; }));
  EXPECT_GT(bad_attempts, attempts_before_restart);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_EQ(handled.Count(good.event_id), 1u) << "the committed event came back";
  EXPECT_EQ(handled.Count(bad.event_id), 1u);
}

}  // namespace
}  // namespace shop::events
