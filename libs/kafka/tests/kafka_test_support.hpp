// Shared by the kafka_tests suites: one in-process mock cluster for the binary, bus options with
// short timeouts, a polling wait, and a raw reader for dead-letter topics (assign, no group join).
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "shop/events/kafka.hpp"
#include "shop/events/kafka_mock.hpp"

namespace shop::events::testing {

inline constexpr int kPartitions = 4;

// Created on first use, alive until the process exits.
MockKafkaCluster& Cluster();

// Creates `topic` and its dead-letter topic on the mock cluster.
void CreateTopics(const std::string& topic);

// Options for a bus on the mock cluster: session 3 s, heartbeat 500 ms, fast retries.
KafkaOptions TestOptions(const std::string& service);

template <class Pred>
bool WaitFor(Pred pred, std::chrono::milliseconds deadline = std::chrono::seconds(15)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

struct RawRecord {
  std::string key;
  std::string value;
  std::map<std::string, std::string> headers;
};

// Reads `topic` from the beginning of every partition until `want` records arrived or `deadline`.
std::vector<RawRecord> ReadTopic(const std::string& topic, std::size_t want,
                                 std::chrono::milliseconds deadline = std::chrono::seconds(10));

// Produces a raw value (not an envelope) and waits for it to be acknowledged.
bool ProduceRaw(const std::string& topic, const std::string& key, const std::string& value);

}  // namespace shop::events::testing
