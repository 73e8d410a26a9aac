// Private to shop_kafka: librdkafka configuration and the log/event bridge shared by the producer
// and the consumer. Includes rdkafkacpp.h, so it never reaches a public header.
#pragma once

#include <librdkafka/rdkafkacpp.h>

#include <map>
#include <memory>
#include <string>

#include "shop/events/kafka.hpp"

namespace shop::events::kafka_detail {

using Props = std::map<std::string, std::string>;

// Builds a global RdKafka::Conf from `props` (then options.extra, which wins). Throws
// ErrorException (kInvalid) naming the property librdkafka rejected.
std::unique_ptr<RdKafka::Conf> MakeConf(const Props& props, const KafkaOptions& options);
void SetCallback(RdKafka::Conf& conf, const char* name, RdKafka::EventCb* cb);

// The common properties: brokers, client id, log level.
Props BaseProps(const KafkaOptions& options);

// Forwards librdkafka's log lines and errors to shop::log (warnings and worse; the rest at debug).
class LogBridge final : public RdKafka::EventCb {
 public:
  explicit LogBridge(std::string role) : role_(std::move(role)) {}
  void event_cb(RdKafka::Event& event) override;

 private:
  std::string role_;
};

}  // namespace shop::events::kafka_detail
