// The KafkaBus settings of a service binary, from the environment (validated with the rest of the
// process configuration through one EnvReader):
//   KAFKA_BROKERS (required here), KAFKA_CLIENT_ID (default: the service name),
//   KAFKA_CREATE_TOPICS (default true; false for a broker without CreateTopics, e.g. shop-kafka-mock),
//   KAFKA_TOPIC_PARTITIONS (4), KAFKA_SESSION_TIMEOUT_MS (10000), KAFKA_HEARTBEAT_INTERVAL_MS (3000),
//   KAFKA_PUBLISH_TIMEOUT_MS (10000), KAFKA_RETRY_MAX_ATTEMPTS (5), KAFKA_RETRY_BACKOFF_MS (100),
//   KAFKA_DLQ_SUFFIX (".dlq"), KAFKA_ASSIGNMENT_STRATEGY (range | roundrobin),
//   KAFKA_LAG_INTERVAL_MS (5000), KAFKA_FETCH_WAIT_MAX_MS (500; ~10 against shop-kafka-mock, whose
//   empty fetch answers always take the full wait).
#pragma once

#include <string_view>

#include "shop/config/env.hpp"
#include "shop/events/kafka.hpp"

namespace shop::events {

KafkaOptions ReadKafkaOptions(config::EnvReader& env, std::string_view service);

}  // namespace shop::events
