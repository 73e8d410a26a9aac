// Private to shop_kafka: the idempotent producer (enable.idempotence=true, acks=all). Send() waits
// for the delivery report, bounded by options.publish_timeout_ms (message.timeout.ms) plus a
// margin. SendBatch() produces every message first and then waits once for all their reports (one
// broker round trip for the lot instead of one each), with the same bound for the whole batch.
// Thread-safe: callers may poll concurrently; each waits for its own reports. The producer holds a
// topic handle for each of options.topics, so their metadata is known before the first message
// (otherwise the first message to a topic waits ~1 s for librdkafka's unknown-topic refresh).
// After a fatal error of the idempotent producer (librdkafka then fails every message) the
// failing call replaces the producer with a fresh one, so later calls succeed again.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "rd_common.hpp"

namespace shop::events::kafka_detail {

using Headers = std::vector<std::pair<std::string, std::string>>;

class Producer {
 public:
  explicit Producer(const KafkaOptions& options);
  ~Producer();  // flushes, bounded by publish_timeout_ms
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // kUnavailable when the broker did not acknowledge the message in time (or rejected it).
  Result<void> Send(const std::string& topic, std::string_view key, std::string_view value,
                    const Headers& headers = {});

  struct Message {
    std::string_view topic;
    std::string_view key;  // empty: no key
    std::string_view value;
    const Headers* headers = nullptr;
  };
  // One result per message, in order. Messages of one key go to one partition in the order given
  // (idempotent producer); after a failure the later ones of that partition may still have gone out.
  std::vector<Result<void>> SendBatch(const std::vector<Message>& messages);

  // The current librdkafka producer (replaced after a fatal error).
  std::shared_ptr<RdKafka::Producer> handle();

 private:
  void ReplaceAfterFatal(const std::shared_ptr<RdKafka::Producer>& failed);
  class DeliveryReports final : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override;
  };
  LogBridge log_{"producer"};
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Conf> conf_;  // kept to recreate the producer
  std::mutex mu_;
  std::vector<std::string> topics_;  // warmed: their metadata is fetched when a producer is created
  std::shared_ptr<RdKafka::Producer> producer_;
  int timeout_ms_;
};

}  // namespace shop::events::kafka_detail
