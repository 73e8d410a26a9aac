#include "shop/events/kafka_config.hpp"

namespace shop::events {

KafkaOptions ReadKafkaOptions(config::EnvReader& env, std::string_view service) {
  KafkaOptions o;
  o.service = std::string(service);
  o.brokers = env.Required("KAFKA_BROKERS");
  o.client_id = env.String("KAFKA_CLIENT_ID", o.service);
  o.create_topics = env.Bool("KAFKA_CREATE_TOPICS", true);
  o.topic_partitions = static_cast<int>(env.Int("KAFKA_TOPIC_PARTITIONS", 4, 1, 10'000));
  o.session_timeout_ms = static_cast<int>(env.Int("KAFKA_SESSION_TIMEOUT_MS", 10'000, 1'000, 3'600'000));
  o.heartbeat_interval_ms = static_cast<int>(env.Int("KAFKA_HEARTBEAT_INTERVAL_MS", 3'000, 100, 3'600'000));
  o.publish_timeout_ms = static_cast<int>(env.Int("KAFKA_PUBLISH_TIMEOUT_MS", 10'000, 100, 900'000));
  o.retry.max_attempts = static_cast<int>(env.Int("KAFKA_RETRY_MAX_ATTEMPTS", 5, 1, 1'000));
  o.retry.initial_backoff_ms = static_cast<int>(env.Int("KAFKA_RETRY_BACKOFF_MS", 100, 1, 60'000));
  o.dlq_suffix = env.String("KAFKA_DLQ_SUFFIX", ".dlq");
  o.assignment_strategy = env.Choice("KAFKA_ASSIGNMENT_STRATEGY", "range", {"range", "roundrobin"});
  o.fetch_wait_max_ms = static_cast<int>(env.Int("KAFKA_FETCH_WAIT_MAX_MS", o.fetch_wait_max_ms, 1, 300'000));
  o.lag_interval_ms = static_cast<int>(env.Int("KAFKA_LAG_INTERVAL_MS", 5'000, 100, 3'600'000));
  return o;
}

}  // namespace shop::events
