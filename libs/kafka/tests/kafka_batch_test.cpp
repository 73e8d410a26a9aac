// Batched publishing (the outbox relay's waves): Producer::SendBatch produces every message and
// waits once; KafkaBus::PublishBatch reports each event; the producer knows its topics before the
// first message (no first-message wait for the unknown-topic metadata refresh); and no socket of
// the bus or of the mock broker delays small writes (Nagle).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include "kafka_test_support.hpp"
#include "producer.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

using testing::CreateTopics;
using testing::TestOptions;
using testing::WaitFor;

TEST(KafkaBatchTest, SendBatchDeliversEveryMessageAndKeepsEachKeysOrder) {
  const std::string topic = "b1-orders";
  CreateTopics(topic);
  kafka_detail::Producer producer(TestOptions("b1-service"));
  std::vector<std::string> keys, values;
  for (int i = 0; i < 30; ++i) {
    keys.push_back("k" + std::to_string(i % 3));
    values.push_back(keys.back() + "-" + std::to_string(i / 3));
  }
  const kafka_detail::Headers headers = {{"h", "x"}};
  std::vector<kafka_detail::Producer::Message> batch;
  for (std::size_t i = 0; i < keys.size(); ++i) batch.push_back({topic, keys[i], values[i], &headers});
  const auto results = producer.SendBatch(batch);
  ASSERT_EQ(results.size(), batch.size());
  for (const auto& r : results) EXPECT_TRUE(r) << r.error().detail;

  const auto records = testing::ReadTopic(topic, batch.size());
  ASSERT_EQ(records.size(), batch.size());
  std::map<std::string, std::vector<std::string>> by_key;
  for (const auto& r : records) {
    by_key[r.key].push_back(r.value);
    EXPECT_EQ(r.headers.at("h"), "x");
  }
  for (const auto& [key, got] : by_key) {
    std::vector<std::string> want;
    for (int n = 0; n < 10; ++n) want.push_back(key + "-" + std::to_string(n));
    EXPECT_EQ(got, want) << "key " << key;
  }
}

TEST(KafkaBatchTest, PublishBatchReportsEachEventAndABadOneDoesNotStopTheOthers) {
  const std::string topic = "b2-orders";
  CreateTopics(topic);
  KafkaBus bus(TestOptions("b2-service"));
  std::mutex mu;
  std::vector<std::string> seen;
  bus.Subscribe(topic, "b2-consumer", [&](const Envelope& e) {
    std::lock_guard lock(mu);
    seen.push_back(e.event_id);
    return Ok();
  });
  bus.Start();

  auto bad = Make(topic, "OrderCreated", "o-2", {});
  bad.topic.clear();
  const std::vector<Envelope> events = {Make(topic, "OrderCreated", "o-1", {}), bad,
                                        Make(topic, "OrderCreated", "o-3", {})};
  const auto before = metrics::Value("shop_kafka_published_total", {{"topic", topic}});
  const auto results = bus.PublishBatch(events);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  ASSERT_FALSE(results[1]);
  EXPECT_EQ(results[1].error().code, Errc::kInvalid);
  EXPECT_TRUE(results[2]);
  EXPECT_EQ(metrics::Value("shop_kafka_published_total", {{"topic", topic}}) - before, 2);

  ASSERT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return seen.size() >= 2;
  }));
  std::lock_guard lock(mu);
  std::sort(seen.begin(), seen.end());
  std::vector<std::string> want = {events[0].event_id, events[2].event_id};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(seen, want);
}

TEST(KafkaBatchTest, UnreachableBrokerFailsEveryMessageOfABatch) {
  auto options = TestOptions("b3-service");
  options.brokers = "127.0.0.1:1";  // nothing listens there
  options.publish_timeout_ms = 300;
  KafkaBus bus(options);
  const auto results = bus.PublishBatch({Make("b3-orders", "X", "a", {}), Make("b3-orders", "X", "b", {})});
  ASSERT_EQ(results.size(), 2u);
  for (const auto& r : results) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::kUnavailable);
  }
}

// The producer holds a handle for each of options.topics, so librdkafka fetches their metadata at
// once: asked for the topics it knows locally, it lists exactly them before any message was
// produced (a producer without handles knows none and answers with every topic of the cluster,
// e.g. the .dlq topics CreateTopics made too).
TEST(KafkaBatchTest, ProducerKnowsItsTopicsBeforeTheFirstMessage) {
  CreateTopics("b4-orders");
  CreateTopics("b4-payments");
  auto options = TestOptions("b4-service");
  options.topics = {"b4-orders", "b4-payments"};
  kafka_detail::Producer producer(options);
  RdKafka::Metadata* raw = nullptr;
  ASSERT_EQ(producer.handle()->metadata(/*all_topics=*/false, nullptr, &raw, 5000), RdKafka::ERR_NO_ERROR);
  std::unique_ptr<RdKafka::Metadata> md(raw);
  std::vector<std::string> known;
  for (const auto* t : *md->topics()) known.push_back(t->topic());
  std::sort(known.begin(), known.end());
  EXPECT_EQ(known, (std::vector<std::string>{"b4-orders", "b4-payments"}));
}

TEST(KafkaBatchTest, ClientSocketsDisableNagle) {
  const auto props = kafka_detail::BaseProps(TestOptions("b5-service"));
  ASSERT_TRUE(props.contains("socket.nagle.disable"));
  EXPECT_EQ(props.at("socket.nagle.disable"), "true");
}

// The mock broker runs in this process: its accepted connections (local port = the broker's) must
// have TCP_NODELAY, or a response written behind an unacknowledged one waits ~40 ms for the
// client's delayed ACK.
TEST(KafkaBatchTest, MockBrokerConnectionsDisableNagle) {
  CreateTopics("b6-orders");
  kafka_detail::Producer producer(TestOptions("b6-service"));
  ASSERT_TRUE(producer.Send("b6-orders", "k", "v"));
  const auto& servers = testing::Cluster().bootstrap_servers();
  const int broker_port = std::atoi(servers.substr(servers.rfind(':') + 1).c_str());
  int accepted = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    const int fd = std::atoi(entry.path().filename().c_str());
    sockaddr_in local{};
    socklen_t len = sizeof(local);
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0 || local.sin_family != AF_INET) continue;
    int listening = 0;
    socklen_t optlen = sizeof(listening);
    if (::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || listening != 0) continue;
    if (ntohs(local.sin_port) != broker_port) continue;  // a client socket (ephemeral port)
    int nodelay = 0;
    optlen = sizeof(nodelay);
    ASSERT_EQ(::getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &optlen), 0);
    EXPECT_NE(nodelay, 0) << "broker-side connection fd " << fd;
    ++accepted;
  }
  EXPECT_GT(accepted, 0) << "no broker-side connection found";
}

}  // namespace
}  // namespace shop::events
