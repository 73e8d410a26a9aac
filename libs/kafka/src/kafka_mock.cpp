#include "shop/events/kafka_mock.hpp"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <array>

namespace shop::events {

struct MockKafkaCluster::Impl {
  rd_kafka_t* rk = nullptr;  // owns the cluster (test.mock.num.brokers)
  rd_kafka_mock_cluster_t* cluster = nullptr;
  std::string bootstraps;
};

MockKafkaCluster::MockKafkaCluster(int brokers) : impl_(std::make_unique<Impl>()) {
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  const auto n = std::to_string(brokers);
  if (rd_kafka_conf_set(conf, "test.mock.num.brokers", n.c_str(), err.data(), err.size()) != RD_KAFKA_CONF_OK ||
      rd_kafka_conf_set(conf, "log_level", "3", err.data(), err.size()) != RD_KAFKA_CONF_OK ||
      // The mock broker's accepted sockets take this handle's socket settings. With Nagle on, a
      // response written while the previous one is unacknowledged waits for the client's delayed
      // ACK: ~40 ms stalls on loopback whenever a producer pipelines requests (a batch) or a
      // consumer's fetch answer follows another response.
      rd_kafka_conf_set(conf, "socket.nagle.disable", "true", err.data(), err.size()) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    throw ErrorException(Error::Internal(std::string("kafka mock config: ") + err.data()));
  }
  impl_->rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());  // takes conf on success
  if (impl_->rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    throw ErrorException(Error::Internal(std::string("kafka mock cluster: ") + err.data()));
  }
  impl_->cluster = rd_kafka_handle_mock_cluster(impl_->rk);
  if (impl_->cluster == nullptr) {
    rd_kafka_destroy(impl_->rk);
    throw ErrorException(Error::Internal("kafka mock cluster: librdkafka built without mock support"));
  }
  impl_->bootstraps = rd_kafka_mock_cluster_bootstraps(impl_->cluster);
}

MockKafkaCluster::~MockKafkaCluster() { rd_kafka_destroy(impl_->rk); }

const std::string& MockKafkaCluster::bootstrap_servers() const { return impl_->bootstraps; }

Result<void> MockKafkaCluster::CreateTopic(const std::string& topic, int partitions, int replication_factor) {
  const auto err = rd_kafka_mock_topic_create(impl_->cluster, topic.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return Error::Internal("kafka mock: create topic " + topic + ": " + rd_kafka_err2str(err));
  }
  return Ok();
}

}  // namespace shop::events
