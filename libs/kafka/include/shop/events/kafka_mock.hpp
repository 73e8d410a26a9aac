// MockKafkaCluster: librdkafka's in-process mock cluster (rdkafka_mock.h), a Kafka-protocol broker
// for tests and for the shop-kafka-mock helper program. Experimental upstream API; keep volumes
// small (per-partition retention is about 5 MiB). It supports produce, fetch, consumer groups and
// idempotent producers, but not CreateTopics: create topics here (unknown topics are auto-created
// with 4 partitions when a producer asks for them; a consumer never auto-creates). Its sockets
// disable Nagle (else a response written behind an unacknowledged one waits ~40 ms for the
// client's delayed ACK). Like every librdkafka 2.0 mock broker it answers an empty fetch only after
// the consumer's whole fetch.wait.max.ms: consumers of it should set a small one (KafkaOptions::
// fetch_wait_max_ms, KAFKA_FETCH_WAIT_MAX_MS=10).
#pragma once

#include <memory>
#include <string>

#include "shop/core/error.hpp"

namespace shop::events {

class MockKafkaCluster {
 public:
  // Throws ErrorException (kInternal) when librdkafka cannot create the cluster.
  explicit MockKafkaCluster(int brokers = 1);
  ~MockKafkaCluster();
  MockKafkaCluster(const MockKafkaCluster&) = delete;
  MockKafkaCluster& operator=(const MockKafkaCluster&) = delete;

  // "127.0.0.1:port[,...]" for bootstrap.servers.
  const std::string& bootstrap_servers() const;
  Result<void> CreateTopic(const std::string& topic, int partitions = 4, int replication_factor = 1);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::events
