// Private to shop_kafka: the idempotent producer (enable.idempotence=true, acks=all). Send() waits
// for the delivery report, bounded by options.publish_timeout_ms (message.timeout.ms) plus a
// margin. Thread-safe: callers may poll concurrently; each waits for its own report.
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
  std::shared_ptr<RdKafka::Producer> producer_;
  int timeout_ms_;
};

}  // namespace shop::events::kafka_detail
