#include "kafka_test_support.hpp"

#include <atomic>
#include <memory>

namespace shop::events::testing {

MockKafkaCluster& Cluster() {
  static MockKafkaCluster cluster(1);
  return cluster;
}

void CreateTopics(const std::string& topic) {
  (void)Cluster().CreateTopic(topic, kPartitions, 1);
  (void)Cluster().CreateTopic(topic + ".dlq", kPartitions, 1);
}

KafkaOptions TestOptions(const std::string& service) {
  KafkaOptions o;
  o.brokers = Cluster().bootstrap_servers();
  o.service = service;
  o.create_topics = false;  // the mock broker has no CreateTopics; CreateTopics() above does it
  o.session_timeout_ms = 3000;
  o.heartbeat_interval_ms = 500;
  o.publish_timeout_ms = 5000;
  o.lag_interval_ms = 100;
  o.retry.max_attempts = 3;
  o.retry.initial_backoff_ms = 20;
  o.retry.max_backoff_ms = 100;
  return o;
}

namespace {

std::unique_ptr<RdKafka::Conf> Conf(const std::map<std::string, std::string>& props) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [k, v] : props) conf->set(k, v, err);
  return conf;
}

}  // namespace

std::vector<RawRecord> ReadTopic(const std::string& topic, std::size_t want, std::chrono::milliseconds deadline) {
  static std::atomic<int> readers{0};
  auto conf = Conf({{"bootstrap.servers", Cluster().bootstrap_servers()},
                    {"group.id", "raw-reader-" + std::to_string(++readers)},
                    {"enable.auto.commit", "false"}});
  std::string err;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(conf.get(), err));
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < kPartitions; ++p) {
    parts.push_back(RdKafka::TopicPartition::create(topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(parts);
  RdKafka::TopicPartition::destroy(parts);
  std::vector<RawRecord> out;
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (out.size() < want && std::chrono::steady_clock::now() < until) {
    std::unique_ptr<RdKafka::Message> msg(consumer->consume(100));
    if (msg->err() != RdKafka::ERR_NO_ERROR) continue;
    RawRecord r;
    if (msg->key() != nullptr) r.key = *msg->key();
    r.value.assign(static_cast<const char*>(msg->payload()), msg->len());
    if (const auto* hs = msg->headers(); hs != nullptr) {
      for (const auto& h : hs->get_all()) {
        r.headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
      }
    }
    out.push_back(std::move(r));
  }
  consumer->close();
  return out;
}

bool ProduceRaw(const std::string& topic, const std::string& key, const std::string& value) {
  auto conf = Conf({{"bootstrap.servers", Cluster().bootstrap_servers()}});
  std::string err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  const auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                    const_cast<char*>(value.data()), value.size(), key.data(), key.size(), 0,
                                    nullptr);
  if (rc != RdKafka::ERR_NO_ERROR) return false;
  return producer->flush(5000) == RdKafka::ERR_NO_ERROR;
}

}  // namespace shop::events::testing
