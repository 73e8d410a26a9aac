#include "consumer.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events::kafka_detail {
namespace {

constexpr int kPollMs = 100;

Props ConsumerProps(const KafkaOptions& options) {
  auto props = BaseProps(options);
  props["group.id"] = options.service;
  props["enable.auto.offset.store"] = "false";  // stored by us, after the handlers succeeded
  props["enable.auto.commit"] = "true";         // commits stored offsets only
  props["auto.commit.interval.ms"] = "1000";
  props["auto.offset.reset"] = options.auto_offset_reset;
  props["partition.assignment.strategy"] = options.assignment_strategy;
  props["session.timeout.ms"] = std::to_string(options.session_timeout_ms);
  props["heartbeat.interval.ms"] = std::to_string(options.heartbeat_interval_ms);
  props["fetch.wait.max.ms"] = std::to_string(options.fetch_wait_max_ms);
  props["topic.metadata.refresh.interval.ms"] = "10000";  // notices topics created after subscribe
  return props;
}

std::string Text(const RdKafka::Message& msg) {
  return std::string(static_cast<const char*>(msg.payload()), msg.len());
}

void Destroy(std::vector<RdKafka::TopicPartition*>& parts) { RdKafka::TopicPartition::destroy(parts); }

}  // namespace

ConsumerLoop::ConsumerLoop(const KafkaOptions& options, std::vector<Subscription> subs, Producer& dlq)
    : options_(options), subs_(std::move(subs)), dlq_(dlq) {
  auto conf = MakeConf(ConsumerProps(options), options);
  SetCallback(*conf, "event_cb", &log_);
  std::string err;
  if (conf->set("rebalance_cb", &rebalancer_, err) != RdKafka::Conf::CONF_OK) {
    throw ErrorException(Error::Internal(err));
  }
  consumer_.reset(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!consumer_) throw ErrorException(Error::Invalid("kafka", "consumer: " + err));
  std::vector<std::string> topics;
  for (const auto& s : subs_) {
    if (std::find(topics.begin(), topics.end(), s.topic) == topics.end()) topics.push_back(s.topic);
  }
  if (const auto rc = consumer_->subscribe(topics); rc != RdKafka::ERR_NO_ERROR) {
    throw ErrorException(Error::Invalid("kafka", "subscribe: " + RdKafka::err2str(rc)));
  }
}

ConsumerLoop::~ConsumerLoop() {
  Stop();
  if (consumer_) consumer_->close();  // when Start() was never called
}

void ConsumerLoop::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Run(); });
}

void ConsumerLoop::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ConsumerLoop::SleepUnlessStopped(int ms) {
  std::unique_lock lock(mu_);
  return !cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
}

void ConsumerLoop::Run() {
  auto next_lag = std::chrono::steady_clock::now();
  while (!stop_) {
    std::unique_ptr<RdKafka::Message> msg(consumer_->consume(kPollMs));
    switch (msg->err()) {
      case RdKafka::ERR_NO_ERROR:
        Handle(*msg);  // false when stopping: the loop condition ends it
        break;
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        break;
      default: {
        const auto detail = msg->errstr();
        log::Warn("kafka consume error", {{"service", options_.service}, {"error", detail}});
        break;
      }
    }
    if (const auto now = std::chrono::steady_clock::now(); now >= next_lag) {
      UpdateLag();
      next_lag = now + std::chrono::milliseconds(options_.lag_interval_ms);
    }
  }
  consumer_->close();  // revoke (commits stored offsets), final commit, leave the group
  consumer_.reset();
}

bool ConsumerLoop::Handle(RdKafka::Message& msg) {
  const auto topic = msg.topic_name();
  const auto* key = msg.key();
  auto envelope = Envelope::FromJson(Text(msg), topic, key != nullptr ? *key : std::string());
  if (!envelope) {
    if (!DeadLetter(msg, "malformed: " + envelope.error().detail, "", 0)) return false;
    StoreOffset(msg);
    return true;
  }
  for (const auto& sub : subs_) {
    if (sub.topic != topic) continue;
    const auto result = CallWithRetries(sub, *envelope);
    if (result.outcome == Outcome::kStopped) return false;
    if (result.outcome == Outcome::kFailed && !DeadLetter(msg, result.reason, sub.consumer, result.attempts)) {
      return false;
    }
  }
  StoreOffset(msg);
  return true;
}

ConsumerLoop::Attempted ConsumerLoop::CallWithRetries(const Subscription& sub, const Envelope& e) {
  const auto& policy = options_.retry;
  int backoff = std::max(1, policy.initial_backoff_ms);
  for (int attempt = 1;; ++attempt) {
    std::string reason;
    try {
      auto r = sub.handler(e);
      if (r) return {Outcome::kHandled, {}, attempt};
      reason = std::string(ToString(r.error().code)) + ": " + r.error().detail;
    } catch (const std::exception& ex) {
      reason = std::string("threw: ") + ex.what();
    } catch (...) {
      reason = "threw a non-standard exception";
    }
    log::Warn("kafka consumer failed", {{"consumer", sub.consumer}, {"topic", sub.topic},
                                        {"event_type", e.event_type}, {"event_id", e.event_id},
                                        {"attempt", std::int64_t{attempt}}, {"error", reason}});
    if (attempt >= policy.max_attempts) return {Outcome::kFailed, reason, attempt};
    if (!SleepUnlessStopped(backoff)) return {Outcome::kStopped, reason, attempt};
    backoff = std::min(backoff * 2, std::max(policy.max_backoff_ms, 1));
  }
}

bool ConsumerLoop::DeadLetter(RdKafka::Message& msg, const std::string& reason, const std::string& consumer,
                              int attempts) {
  const auto topic = msg.topic_name();
  const auto dlq = topic + options_.dlq_suffix;
  const auto* key = msg.key();
  const Headers headers = {{"failure-reason", reason},
                           {"consumer", consumer},
                           {"attempts", std::to_string(attempts)},
                           {"original-topic", topic},
                           {"original-partition", std::to_string(msg.partition())},
                           {"original-offset", std::to_string(msg.offset())}};
  int backoff = std::max(1, options_.retry.initial_backoff_ms);
  while (true) {
    auto sent = dlq_.Send(dlq, key != nullptr ? std::string_view(*key) : std::string_view(), Text(msg), headers);
    if (sent) break;
    log::Error("kafka dead-letter publish failed", {{"topic", dlq}, {"error", sent.error().detail}});
    if (!SleepUnlessStopped(backoff)) return false;
    backoff = std::min(backoff * 2, std::max(options_.retry.max_backoff_ms, 1));
  }
  metrics::Inc("shop_kafka_dlq_total", {{"service", options_.service}, {"topic", topic}});
  log::Error("kafka message dead-lettered",
             {{"service", options_.service}, {"consumer", consumer}, {"topic", topic},
              {"partition", std::int64_t{msg.partition()}}, {"offset", msg.offset()}, {"reason", reason}});
  return true;
}

void ConsumerLoop::StoreOffset(RdKafka::Message& msg) {
  std::vector<RdKafka::TopicPartition*> parts{
      RdKafka::TopicPartition::create(msg.topic_name(), msg.partition(), msg.offset() + 1)};
  const auto rc = consumer_->offsets_store(parts);
  Destroy(parts);
  if (rc != RdKafka::ERR_NO_ERROR) {
    // The partition was revoked meanwhile: its new owner gets the message again (inbox dedupes).
    const auto text = RdKafka::err2str(rc);
    log::Warn("kafka offset store failed", {{"service", options_.service}, {"error", text}});
  }
}

void ConsumerLoop::UpdateLag() {
  std::vector<RdKafka::TopicPartition*> parts;
  if (consumer_->assignment(parts) != RdKafka::ERR_NO_ERROR || parts.empty()) {
    Destroy(parts);
    return;
  }
  consumer_->position(parts);
  for (auto* p : parts) {
    std::int64_t low = RdKafka::Topic::OFFSET_INVALID;
    std::int64_t high = RdKafka::Topic::OFFSET_INVALID;
    if (consumer_->get_watermark_offsets(p->topic(), p->partition(), &low, &high) != RdKafka::ERR_NO_ERROR ||
        high < 0) {
      continue;
    }
    const auto position = p->offset() >= 0 ? p->offset() : low;
    if (position < 0) continue;
    metrics::Set("shop_kafka_consumer_lag",
                 {{"service", options_.service}, {"topic", p->topic()}, {"partition", std::to_string(p->partition())}},
                 static_cast<double>(std::max<std::int64_t>(0, high - position)));
  }
  Destroy(parts);
}

void ConsumerLoop::ZeroLag(const std::vector<RdKafka::TopicPartition*>& partitions) {
  for (const auto* p : partitions) {
    metrics::Set("shop_kafka_consumer_lag",
                 {{"service", options_.service}, {"topic", p->topic()}, {"partition", std::to_string(p->partition())}},
                 0);
  }
}

void ConsumerLoop::Rebalancer::rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                                            std::vector<RdKafka::TopicPartition*>& partitions) {
  if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
    log::Info("kafka partitions assigned",
              {{"service", loop_.options_.service}, {"count", static_cast<std::int64_t>(partitions.size())}});
    consumer->assign(partitions);
    loop_.assigned_ = static_cast<int>(partitions.size());
    return;
  }
  // Revoked (eager): commit what was stored so the next owner does not redo it.
  if (const auto rc = consumer->commitSync(); rc != RdKafka::ERR_NO_ERROR && rc != RdKafka::ERR__NO_OFFSET) {
    const auto text = RdKafka::err2str(rc);
    log::Warn("kafka commit on revoke failed", {{"service", loop_.options_.service}, {"error", text}});
  }
  loop_.ZeroLag(partitions);
  consumer->unassign();
  loop_.assigned_ = 0;
}

}  // namespace shop::events::kafka_detail
