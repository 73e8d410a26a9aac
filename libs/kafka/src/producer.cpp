#include "producer.hpp"

#include <atomic>
#include <chrono>

#include "shop/observability/metrics.hpp"

namespace shop::events::kafka_detail {
namespace {

// Shared by Send() and the delivery callback, so Send() may give up waiting without a dangling
// pointer: the callback deletes the heap-held shared_ptr it was given.
struct Delivery {
  std::atomic<bool> done{false};
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
  std::string errstr;
};
using DeliveryRef = std::shared_ptr<Delivery>;

constexpr int kWaitMarginMs = 2'000;

}  // namespace

void Producer::DeliveryReports::dr_cb(RdKafka::Message& message) {
  auto* ref = static_cast<DeliveryRef*>(message.msg_opaque());
  if (ref == nullptr) return;
  (*ref)->err = message.err();
  (*ref)->errstr = message.errstr();
  (*ref)->done.store(true, std::memory_order_release);
  delete ref;
}

Producer::Producer(const KafkaOptions& options) : timeout_ms_(options.publish_timeout_ms) {
  auto props = BaseProps(options);
  props["enable.idempotence"] = "true";
  props["acks"] = "all";
  props["message.timeout.ms"] = std::to_string(options.publish_timeout_ms);
  props["linger.ms"] = "2";
  auto conf = MakeConf(props, options);
  SetCallback(*conf, "event_cb", &log_);
  std::string err;
  if (conf->set("dr_cb", &reports_, err) != RdKafka::Conf::CONF_OK) throw ErrorException(Error::Internal(err));
  producer_.reset(RdKafka::Producer::create(conf.get(), err));
  if (!producer_) throw ErrorException(Error::Invalid("kafka", "producer: " + err));
}

Producer::~Producer() {
  if (producer_) producer_->flush(timeout_ms_);
}

Result<void> Producer::Send(const std::string& topic, std::string_view key, std::string_view value,
                            const Headers& headers) {
  RdKafka::Headers* hs = nullptr;
  if (!headers.empty()) {
    hs = RdKafka::Headers::create();
    for (const auto& [k, v] : headers) hs->add(k, v);
  }
  auto delivery = std::make_shared<Delivery>();
  auto* ref = new DeliveryRef(delivery);
  const auto rc = producer_->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                     const_cast<char*>(value.data()), value.size(),
                                     key.empty() ? nullptr : key.data(), key.size(), 0, hs, ref);
  if (rc != RdKafka::ERR_NO_ERROR) {
    delete ref;
    delete hs;  // left untouched by a failed produce()
    producer_->poll(0);
    return Error::Unavailable("kafka produce to " + topic + ": " + RdKafka::err2str(rc));
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_ + kWaitMarginMs);
  while (!delivery->done.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= until) {
      return Error::Unavailable("kafka produce to " + topic + ": no delivery report in time");
    }
    producer_->poll(20);
  }
  if (delivery->err != RdKafka::ERR_NO_ERROR) {
    return Error::Unavailable("kafka produce to " + topic + ": " + delivery->errstr);
  }
  metrics::Inc("shop_kafka_published_total", {{"topic", topic}});
  return Ok();
}

}  // namespace shop::events::kafka_detail
