#include "producer.hpp"

#include <atomic>
#include <chrono>

#include "shop/observability/log.hpp"
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
  props["linger.ms"] = "0";  // Publish() waits for each report: do not add batching delay
  conf_ = MakeConf(props, options);
  SetCallback(*conf_, "event_cb", &log_);
  std::string err;
  if (conf_->set("dr_cb", &reports_, err) != RdKafka::Conf::CONF_OK) throw ErrorException(Error::Internal(err));
  producer_.reset(RdKafka::Producer::create(conf_.get(), err));
  if (!producer_) throw ErrorException(Error::Invalid("kafka", "producer: " + err));
}

Producer::~Producer() {
  if (!producer_) return;
  producer_->flush(timeout_ms_);
  // Whatever is still queued fails now, so its delivery report (and opaque) is served here.
  producer_->purge(RdKafka::Producer::PURGE_QUEUE | RdKafka::Producer::PURGE_INFLIGHT);
  producer_->poll(0);
}

std::shared_ptr<RdKafka::Producer> Producer::handle() {
  std::lock_guard lock(mu_);
  return producer_;
}

void Producer::ReplaceAfterFatal(const std::shared_ptr<RdKafka::Producer>& failed) {
  std::string reason;
  failed->fatal_error(reason);
  std::lock_guard lock(mu_);
  if (producer_ != failed) return;  // another caller replaced it already
  std::string err;
  std::shared_ptr<RdKafka::Producer> fresh(RdKafka::Producer::create(conf_.get(), err));
  log::Error("kafka producer fatal error, producer recreated",
             {{"reason", reason}, {"recreated", fresh != nullptr}, {"error", err}});
  if (fresh) producer_ = std::move(fresh);
  failed->poll(0);  // serve the reports of the messages the fatal error failed
}

Result<void> Producer::Send(const std::string& topic, std::string_view key, std::string_view value,
                            const Headers& headers) {
  RdKafka::Headers* hs = nullptr;
  if (!headers.empty()) {
    hs = RdKafka::Headers::create();
    for (const auto& [k, v] : headers) hs->add(k, v);
  }
  auto producer = handle();
  auto delivery = std::make_shared<Delivery>();
  auto* ref = new DeliveryRef(delivery);
  const auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                     const_cast<char*>(value.data()), value.size(),
                                     key.empty() ? nullptr : key.data(), key.size(), 0, hs, ref);
  if (rc != RdKafka::ERR_NO_ERROR) {
    delete ref;
    delete hs;  // left untouched by a failed produce()
    producer->poll(0);
    if (rc == RdKafka::ERR__FATAL) ReplaceAfterFatal(producer);
    return Error::Unavailable("kafka produce to " + topic + ": " + RdKafka::err2str(rc));
  }
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_ + kWaitMarginMs);
  while (!delivery->done.load(std::memory_order_acquire)) {
    if (std::chrono::steady_clock::now() >= until) {
      return Error::Unavailable("kafka produce to " + topic + ": no delivery report in time");
    }
    producer->poll(20);
  }
  if (delivery->err != RdKafka::ERR_NO_ERROR) {
    if (delivery->err == RdKafka::ERR__FATAL) ReplaceAfterFatal(producer);
    return Error::Unavailable("kafka produce to " + topic + ": " + delivery->errstr);
  }
  metrics::Inc("shop_kafka_published_total", {{"topic", topic}});
  return Ok();
}

}  // namespace shop::events::kafka_detail
