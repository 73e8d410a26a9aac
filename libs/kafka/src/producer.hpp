// Private to shop_kafka: the idempotent producer (enable.idempotence=true, acks=all). Send() waits
// for the delivery report, bounded by options.publish_timeout_ms (message.timeout.ms) plus a
// margin. Thread-safe: callers may poll concurrently; each waits for its own report.
#pragma once

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

  RdKafka::Producer& handle() { return *producer_; }

 private:
  class DeliveryReports final : public RdKafka::DeliveryReportCb {
   public:
    void dr_cb(RdKafka::Message& message) override;
  };
  LogBridge log_{"producer"};
  DeliveryReports reports_;
  std::unique_ptr<RdKafka::Producer> producer_;
  int timeout_ms_;
};

}  // namespace shop::events::kafka_detail
