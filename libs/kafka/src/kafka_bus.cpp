#include "shop/events/kafka.hpp"

#include "consumer.hpp"
#include "producer.hpp"
#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"
#include "topics.hpp"

namespace shop::events {

std::vector<std::string> DefaultTopics() { return {"users", "products", "inventory", "orders", "payments"}; }

struct KafkaBus::Impl {
  KafkaOptions options;
  std::unique_ptr<kafka_detail::Producer> producer;
  std::mutex mu;  // subs and consumer
  std::vector<kafka_detail::Subscription> subs;
  std::unique_ptr<kafka_detail::ConsumerLoop> consumer;
};

KafkaBus::KafkaBus(KafkaOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.service.empty()) throw ErrorException(Error::Invalid("kafka.service", "must not be empty"));
  if (options.brokers.empty()) throw ErrorException(Error::Invalid("kafka.brokers", "must not be empty"));
  impl_->options = std::move(options);
  metrics::Describe("shop_kafka_published_total", "counter", "Messages acknowledged by the Kafka brokers");
  metrics::Describe("shop_kafka_dlq_total", "counter", "Messages sent to a dead-letter topic");
  metrics::Describe("shop_kafka_consumer_lag", "gauge", "High watermark minus consumer position");
  impl_->producer = std::make_unique<kafka_detail::Producer>(impl_->options);
}

KafkaBus::~KafkaBus() { Stop(); }

const KafkaOptions& KafkaBus::options() const { return impl_->options; }

int KafkaBus::assigned_partitions() const {
  std::lock_guard lock(impl_->mu);
  return impl_->consumer ? impl_->consumer->assigned_partitions() : 0;
}

void KafkaBus::Subscribe(std::string topic, std::string consumer, Handler handler) {
  std::lock_guard lock(impl_->mu);
  impl_->subs.push_back({std::move(topic), std::move(consumer), std::move(handler)});
}

Result<void> KafkaBus::Publish(const Envelope& e) {
  if (e.topic.empty()) return Error::Invalid("topic", "must not be empty");
  return impl_->producer->Send(e.topic, e.key, e.ToJson());
}

std::vector<Result<void>> KafkaBus::PublishBatch(const std::vector<Envelope>& events) {
  std::vector<std::string> values;  // kept alive until SendBatch returns (the producer copies them)
  values.reserve(events.size());
  std::vector<kafka_detail::Producer::Message> messages;
  messages.reserve(events.size());
  std::vector<std::size_t> index;  // events[index[j]] is messages[j]
  std::vector<Result<void>> results(events.size(), Ok());
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    if (e.topic.empty()) {
      results[i] = Error::Invalid("topic", "must not be empty");
      continue;
    }
    values.push_back(e.ToJson());
    messages.push_back({e.topic, e.key, values.back(), nullptr});
    index.push_back(i);
  }
  if (messages.empty()) return results;
  auto sent = impl_->producer->SendBatch(messages);
  for (std::size_t j = 0; j < sent.size(); ++j) results[index[j]] = std::move(sent[j]);
  return results;
}

Result<void> KafkaBus::EnsureTopics() {
  const auto& o = impl_->options;
  std::vector<std::string> names;
  for (const auto& t : o.topics) {
    names.push_back(t);
    names.push_back(t + o.dlq_suffix);
  }
  return kafka_detail::CreateTopics(impl_->producer->handle()->c_ptr(), names, o.topic_partitions,
                                    o.topic_replication_factor, o.admin_timeout_ms);
}

void KafkaBus::Start() {
  std::lock_guard lock(impl_->mu);
  if (impl_->consumer) return;
  if (impl_->options.create_topics) {
    if (auto r = EnsureTopics(); !r) {
      log::Warn("kafka topics not created", {{"service", impl_->options.service}, {"error", r.error().detail}});
    }
  }
  if (impl_->subs.empty()) return;
  impl_->consumer = std::make_unique<kafka_detail::ConsumerLoop>(impl_->options, impl_->subs, *impl_->producer);
  impl_->consumer->Start();
}

void KafkaBus::Stop() {
  std::unique_ptr<kafka_detail::ConsumerLoop> consumer;
  {
    std::lock_guard lock(impl_->mu);
    consumer = std::move(impl_->consumer);
  }
  consumer.reset();  // joins the thread, commits, leaves the group
}

}  // namespace shop::events
