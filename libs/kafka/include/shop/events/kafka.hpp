// KafkaBus: the distributed shape's events::Bus on librdkafka (issue 6). librdkafka stays out of
// this header (pimpl), so services include it without rdkafka's headers.
//
// Publish(e): an idempotent producer (enable.idempotence=true, acks=all) writes topic = e.topic,
// key = e.key (per-aggregate ordering), value = e.ToJson(), and waits for the delivery report
// (bounded by publish_timeout_ms). It is called by the OutboxRelay thread; a failure returns
// kUnavailable so the relay retries. Thread-safe. PublishBatch(events): the same for several
// events, produced together and waited for once (the outbox relay publishes a claimed batch so: one
// round trip to the broker instead of one per event); one result per event. The producer holds a
// handle for each of options.topics, so their metadata is fetched at construction (the first
// message to an unknown topic otherwise waits ~1 s for librdkafka's refresh). Producer and consumer
// sockets disable Nagle (socket.nagle.disable): pipelined small requests otherwise stall ~40 ms on
// the peer's delayed ACK.
//
// Subscribe() + Start(): one consumer thread; consumer group = options.service, so replicas of a
// service share the partitions (each event is handled by one of them). For each message it parses
// the envelope and calls every handler of that topic. The offset is stored only after every
// handler returned ok (handlers commit their DB transaction with the inbox row first, so a crash
// in between only causes a redelivery that the inbox absorbs); stored offsets are committed by
// auto-commit, in the revoke callback of a rebalance, and on Stop(). A failing handler is retried
// with backoff (retry.max_attempts, doubling from retry.initial_backoff_ms); then the message goes
// to `<topic><dlq_suffix>` with headers failure-reason, consumer, attempts, and its offset is
// stored. A malformed message goes straight to the dead-letter topic. Stop() during retries leaves
// the offset unstored, so the message is redelivered after a restart.
//
// Handlers run one message at a time on the consumer thread (a retried message holds back its
// partition, which keeps per-aggregate order); a dead-lettered one no longer does.
//
// Start() first creates the topics in `options.topics` (and their dead-letter topics) if missing,
// unless create_topics is false (librdkafka's mock broker has no CreateTopics: the call would wait
// admin_timeout_ms for a controller). A fatal error of the idempotent producer fails that Publish
// and replaces the producer.
//
// Metrics: shop_kafka_published_total{topic}, shop_kafka_dlq_total{service,topic},
// gauge shop_kafka_consumer_lag{service,topic,partition} (high watermark - position, refreshed every
// lag_interval_ms).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/events/event.hpp"

namespace shop::events {

// The topic per aggregate.
std::vector<std::string> DefaultTopics();  // users, products, inventory, orders, payments

struct RetryPolicy {
  int max_attempts = 5;          // handler calls before the message is dead-lettered
  int initial_backoff_ms = 100;  // doubled after each failure
  int max_backoff_ms = 5'000;
};

struct KafkaOptions {
  std::string brokers;    // bootstrap.servers, e.g. "kafka:9092" (KAFKA_BROKERS)
  std::string service;    // consumer group id (the service name)
  std::string client_id;  // empty: the service name
  std::vector<std::string> topics = DefaultTopics();  // created if missing (with dead-letter topics)
  RetryPolicy retry;
  std::string dlq_suffix = ".dlq";
  int topic_partitions = 4;          // for topics created by EnsureTopics()
  int topic_replication_factor = -1; // -1: the broker's default
  int publish_timeout_ms = 10'000;   // message.timeout.ms: Publish() returns within about this
  int session_timeout_ms = 10'000;   // tests: 3000-6000
  int heartbeat_interval_ms = 3'000; // tests: 500
  int lag_interval_ms = 5'000;
  // fetch.wait.max.ms, the consumer's long poll. A real broker answers a waiting fetch as soon as
  // data arrives, so 500 costs no latency there; librdkafka's mock broker (shop-kafka-mock) always
  // holds an empty fetch for the full time (each saga hop then waits ~half of it): use ~10 there.
  int fetch_wait_max_ms = 500;
  int admin_timeout_ms = 5'000;      // EnsureTopics()
  bool create_topics = true;         // Start() calls EnsureTopics() (the mock broker cannot)
  std::string assignment_strategy = "range";  // eager; never cooperative-sticky on librdkafka 2.0
  std::string auto_offset_reset = "earliest"; // a new consumer group reads topics from the start
  std::map<std::string, std::string> extra;   // more librdkafka properties (producer and consumer)
};

class KafkaBus final : public Bus {
 public:
  // Throws ErrorException (kInvalid) when librdkafka rejects the configuration.
  explicit KafkaBus(KafkaOptions options);
  ~KafkaBus() override;  // Stop(), then flushes the producer (bounded)
  KafkaBus(const KafkaBus&) = delete;
  KafkaBus& operator=(const KafkaBus&) = delete;

  // Register before Start(); a subscription added while running applies after the next Start().
  void Subscribe(std::string topic, std::string consumer, Handler handler) override;
  Result<void> Publish(const Envelope& e) override;
  std::vector<Result<void>> PublishBatch(const std::vector<Envelope>& events) override;

  // Creates the topics (EnsureTopics, failures only logged) and starts the consumer thread when
  // there are subscriptions. Idempotent.
  void Start();
  // Stops consuming (a handler in progress finishes; a retry in progress is abandoned, unstored),
  // commits the stored offsets and leaves the group. Start() may be called again.
  void Stop();

  // Creates `options.topics` and their dead-letter topics; "already exists" is success.
  Result<void> EnsureTopics();

  // Partitions currently assigned to this instance's consumer (0 before the group formed or when
  // stopped). A readiness signal, and how tests wait for a rebalance to settle.
  int assigned_partitions() const;

  const KafkaOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::events
