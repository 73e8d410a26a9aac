// KafkaBus producer side and operations: bounded failure without a broker, configuration errors,
// the consumer-lag gauge, and the shop-kafka-mock helper program.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kafka_test_paths.hpp"
#include "kafka_test_support.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

using testing::CreateTopics;
using testing::TestOptions;
using testing::WaitFor;

TEST(KafkaPublishTest, PublishWithAnUnreachableBrokerFailsWithinBoundedTime) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:1";
  options.service = "lonely-service";
  options.publish_timeout_ms = 1500;
  KafkaBus bus(options);
  const auto start = std::chrono::steady_clock::now();
  auto r = bus.Publish(Make("orders", "OrderCreated", "o-1", {}));
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(KafkaPublishTest, ConsumerStartsAndStopsPromptlyWithoutABroker) {
  KafkaOptions options;
  options.brokers = "127.0.0.1:1";
  options.service = "lonely-consumer";
  options.create_topics = false;
  options.publish_timeout_ms = 1000;
  KafkaBus bus(options);
  bus.Subscribe("orders", "lonely", [](const Envelope&) { return Ok(); });
  bus.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto start = std::chrono::steady_clock::now();
  bus.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  EXPECT_EQ(bus.assigned_partitions(), 0);
}

TEST(KafkaPublishTest, UnknownLibrdkafkaPropertyIsRejectedAtConstruction) {
  auto options = TestOptions("bad-config-service");
  options.extra["no.such.property"] = "1";
  EXPECT_THROW(KafkaBus bus(options), ErrorException);
}

TEST(KafkaPublishTest, ConsumerLagGaugeShowsTheBacklogAndDrainsToZero) {
  const std::string topic = "t6-orders";
  CreateTopics(topic);
  auto options = TestOptions("t6-service");
  options.lag_interval_ms = 0;  // refresh after every message
  KafkaBus bus(options);
  std::atomic<int> handled{0};
  bus.Subscribe(topic, "t6-consumer", [&](const Envelope&) -> Result<void> {
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    ++handled;
    return Ok();
  });
  constexpr int kEvents = 6;
  for (int i = 0; i < kEvents; ++i) ASSERT_TRUE(bus.Publish(Make(topic, "OrderCreated", "same-key", {})));
  // One key: one partition. Find it from the rendered gauge once consumption started.
  bus.Start();
  auto lag_total = [] {
    std::istringstream in(metrics::Render());
    double total = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("shop_kafka_consumer_lag{", 0) == 0 && line.find("service=\"t6-service\"") != std::string::npos) {
        total += std::stod(line.substr(line.rfind(' ') + 1));
      }
    }
    return total;
  };
  double max_seen = 0;
  ASSERT_TRUE(WaitFor([&] {
    max_seen = std::max(max_seen, lag_total());
    return handled == kEvents;
  }));
  EXPECT_GE(max_seen, 2);
  EXPECT_TRUE(WaitFor([&] { return lag_total() == 0; }, std::chrono::seconds(3)));
}

TEST(KafkaPublishTest, MockBrokerProgramWritesItsAddressAndServesProducers) {
  const auto file = std::filesystem::temp_directory_path() / ("shop-kafka-mock-" + std::to_string(::getpid()));
  std::filesystem::remove(file);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::execl(kShopKafkaMockBin, kShopKafkaMockBin, file.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ASSERT_TRUE(WaitFor([&] { return std::filesystem::exists(file); }, std::chrono::seconds(10)));
  std::string brokers;
  std::ifstream(file) >> brokers;
  EXPECT_NE(brokers.find(':'), std::string::npos) << brokers;

  KafkaOptions options;
  options.brokers = brokers;
  options.service = "helper-user";
  options.publish_timeout_ms = 5000;
  {
    KafkaBus bus(options);
    EXPECT_TRUE(bus.Publish(Make("orders", "OrderCreated", "o-1", {})));
  }
  ::kill(pid, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_FALSE(std::filesystem::exists(file));
}

}  // namespace
}  // namespace shop::events
