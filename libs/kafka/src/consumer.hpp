// Private to shop_kafka: the consumer thread of a KafkaBus. One KafkaConsumer in the group
// options.service (eager range/roundrobin assignment), manual offset store (stored only after every
// handler of the topic succeeded or the message was dead-lettered), auto-commit of stored offsets,
// plus a synchronous commit when partitions are revoked and on close.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "producer.hpp"

namespace shop::events::kafka_detail {

struct Subscription {
  std::string topic;
  std::string consumer;
  Handler handler;
};

class ConsumerLoop {
 public:
  // Creates the consumer and subscribes (throws ErrorException on a bad configuration); the
  // thread starts in Start().
  ConsumerLoop(const KafkaOptions& options, std::vector<Subscription> subs, Producer& dlq);
  ~ConsumerLoop();  // Stop()
  ConsumerLoop(const ConsumerLoop&) = delete;
  ConsumerLoop& operator=(const ConsumerLoop&) = delete;

  void Start();
  void Stop();
  int assigned_partitions() const { return assigned_.load(); }

 private:
  class Rebalancer final : public RdKafka::RebalanceCb {
   public:
    explicit Rebalancer(ConsumerLoop& loop) : loop_(loop) {}
    void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                      std::vector<RdKafka::TopicPartition*>& partitions) override;

   private:
    ConsumerLoop& loop_;
  };
  enum class Outcome { kHandled, kFailed, kStopped };
  struct Attempted {
    Outcome outcome;
    std::string reason;
    int attempts = 0;
  };

  void Run();
  // Handles one message; false when Stop() interrupted it (offset not stored).
  bool Handle(RdKafka::Message& msg);
  Attempted CallWithRetries(const Subscription& sub, const Envelope& e);
  // Publishes the message to its dead-letter topic, retrying until done or stopped.
  bool DeadLetter(RdKafka::Message& msg, const std::string& reason, const std::string& consumer, int attempts);
  void StoreOffset(RdKafka::Message& msg);
  void UpdateLag();
  void ZeroLag(const std::vector<RdKafka::TopicPartition*>& partitions);
  // Waits `ms` unless Stop() is called first; false when stopping.
  bool SleepUnlessStopped(int ms);

  const KafkaOptions& options_;
  std::vector<Subscription> subs_;
  Producer& dlq_;
  LogBridge log_{"consumer"};
  Rebalancer rebalancer_{*this};
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};
  std::atomic<int> assigned_{0};
  std::thread thread_;
};

}  // namespace shop::events::kafka_detail
