#include "producer.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <optional>

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

// A producer with a topic handle for each topic it will write: librdkafka then fetches their
// metadata in the background right away. Without it the first message to a topic waits for the
// next metadata refresh of unknown topics (measured: ~1 s against shop-kafka-mock, so the first
// event of every topic, e.g. the first checkout's, took a second per saga hop).
struct Warmed {
  std::unique_ptr<RdKafka::Producer> producer;
  std::vector<std::unique_ptr<RdKafka::Topic>> topics;
  ~Warmed() {
    topics.clear();  // topic handles before their producer
    producer.reset();
  }
};

// The producer shared with an aliasing pointer, so the topic handles live exactly as long as it.
std::shared_ptr<RdKafka::Producer> CreateWarmed(RdKafka::Conf& conf, const std::vector<std::string>& topics,
                                                std::string& err) {
  auto w = std::make_shared<Warmed>();
  w->producer.reset(RdKafka::Producer::create(&conf, err));
  if (!w->producer) return nullptr;
  for (const auto& t : topics) {
    std::string topic_err;
    std::unique_ptr<RdKafka::Topic> handle(RdKafka::Topic::create(w->producer.get(), t, nullptr, topic_err));
    if (handle) w->topics.push_back(std::move(handle));
  }
  auto* raw = w->producer.get();
  return std::shared_ptr<RdKafka::Producer>(std::move(w), raw);
}

}  // namespace

void Producer::DeliveryReports::dr_cb(RdKafka::Message& message) {
  auto* ref = static_cast<DeliveryRef*>(message.msg_opaque());
  if (ref == nullptr) return;
  (*ref)->err = message.err();
  (*ref)->errstr = message.errstr();
  (*ref)->done.store(true, std::memory_order_release);
  delete ref;
}

Producer::Producer(const KafkaOptions& options) : topics_(options.topics), timeout_ms_(options.publish_timeout_ms) {
  auto props = BaseProps(options);
  props["enable.idempotence"] = "true";
  props["acks"] = "all";
  props["message.timeout.ms"] = std::to_string(options.publish_timeout_ms);
  // No batching delay: a relay batch is produced at once and then waited for (SendBatch), so the
  // messages queued together go out together anyway; a lone event is not held back.
  props["linger.ms"] = "0";
  conf_ = MakeConf(props, options);
  SetCallback(*conf_, "event_cb", &log_);
  std::string err;
  if (conf_->set("dr_cb", &reports_, err) != RdKafka::Conf::CONF_OK) throw ErrorException(Error::Internal(err));
  producer_ = CreateWarmed(*conf_, topics_, err);
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
  auto fresh = CreateWarmed(*conf_, topics_, err);
  log::Error("kafka producer fatal error, producer recreated",
             {{"reason", reason}, {"recreated", fresh != nullptr}, {"error", err}});
  if (fresh) producer_ = std::move(fresh);
  failed->poll(0);  // serve the reports of the messages the fatal error failed
}

Result<void> Producer::Send(const std::string& topic, std::string_view key, std::string_view value,
                            const Headers& headers) {
  return std::move(SendBatch({Message{topic, key, value, &headers}}).front());
}

std::vector<Result<void>> Producer::SendBatch(const std::vector<Message>& messages) {
  auto producer = handle();
  std::vector<DeliveryRef> deliveries(messages.size());
  std::vector<std::optional<Error>> failed(messages.size());
  bool fatal = false;
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const auto& m = messages[i];
    const std::string topic(m.topic);
    RdKafka::Headers* hs = nullptr;
    if (m.headers != nullptr && !m.headers->empty()) {
      hs = RdKafka::Headers::create();
      for (const auto& [k, v] : *m.headers) hs->add(k, v);
    }
    auto delivery = std::make_shared<Delivery>();
    auto* ref = new DeliveryRef(delivery);
    auto rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                const_cast<char*>(m.value.data()), m.value.size(),
                                m.key.empty() ? nullptr : m.key.data(), m.key.size(), 0, hs, ref);
    if (rc == RdKafka::ERR__QUEUE_FULL) {
      producer->poll(100);  // serve reports to make room, then try once more
      rc = producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                             const_cast<char*>(m.value.data()), m.value.size(),
                             m.key.empty() ? nullptr : m.key.data(), m.key.size(), 0, hs, ref);
    }
    if (rc != RdKafka::ERR_NO_ERROR) {
      delete ref;
      delete hs;  // left untouched by a failed produce()
      fatal = fatal || rc == RdKafka::ERR__FATAL;
      failed[i] = Error::Unavailable("kafka produce to " + topic + ": " + RdKafka::err2str(rc));
      continue;
    }
    deliveries[i] = std::move(delivery);
  }
  // One wait for the whole batch: librdkafka sends the queued messages together.
  const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms_ + kWaitMarginMs);
  const auto all_done = [&] {
    return std::all_of(deliveries.begin(), deliveries.end(),
                       [](const DeliveryRef& d) { return !d || d->done.load(std::memory_order_acquire); });
  };
  if (std::any_of(failed.begin(), failed.end(), [](const auto& f) { return f.has_value(); })) producer->poll(0);
  while (!all_done() && std::chrono::steady_clock::now() < until) producer->poll(20);
  std::vector<Result<void>> results;
  results.reserve(messages.size());
  for (std::size_t i = 0; i < messages.size(); ++i) {
    const std::string topic(messages[i].topic);
    if (failed[i]) {
      results.emplace_back(std::move(*failed[i]));
    } else if (!deliveries[i]->done.load(std::memory_order_acquire)) {
      results.emplace_back(Error::Unavailable("kafka produce to " + topic + ": no delivery report in time"));
    } else if (deliveries[i]->err != RdKafka::ERR_NO_ERROR) {
      fatal = fatal || deliveries[i]->err == RdKafka::ERR__FATAL;
      results.emplace_back(Error::Unavailable("kafka produce to " + topic + ": " + deliveries[i]->errstr));
    } else {
      metrics::Inc("shop_kafka_published_total", {{"topic", topic}});
      results.emplace_back(Ok());
    }
  }
  if (fatal) ReplaceAfterFatal(producer);
  return results;
}

}  // namespace shop::events::kafka_detail
