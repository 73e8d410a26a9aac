#include "rd_common.hpp"

#include "shop/observability/log.hpp"

namespace shop::events::kafka_detail {

std::unique_ptr<RdKafka::Conf> MakeConf(const Props& props, const KafkaOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  auto set = [&](const std::string& k, const std::string& v) {
    if (conf->set(k, v, err) != RdKafka::Conf::CONF_OK) {
      throw ErrorException(Error::Invalid("kafka." + k, err));
    }
  };
  for (const auto& [k, v] : props) set(k, v);
  for (const auto& [k, v] : options.extra) set(k, v);
  return conf;
}

void SetCallback(RdKafka::Conf& conf, const char* name, RdKafka::EventCb* cb) {
  std::string err;
  if (conf.set(name, cb, err) != RdKafka::Conf::CONF_OK) throw ErrorException(Error::Internal(err));
}

Props BaseProps(const KafkaOptions& options) {
  return {
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id.empty() ? options.service : options.client_id},
      {"log_level", "4"},  // warnings and worse reach the event callback
      {"reconnect.backoff.max.ms", "2000"},
      // Requests are small and pipelined (a relay batch, fetches, heartbeats): never hold one back
      // waiting for the ACK of the previous (Nagle + the peer's delayed ACK = ~40 ms stalls).
      {"socket.nagle.disable", "true"},
  };
}

void LogBridge::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR: {
      const auto text = RdKafka::err2str(event.err());
      const auto detail = event.str();
      log::Write(event.fatal() ? log::Level::kError : log::Level::kWarn, "kafka error",
                 {{"role", role_}, {"error", text}, {"detail", detail}});
      break;
    }
    case RdKafka::Event::EVENT_LOG: {
      const auto fac = event.fac();
      const auto detail = event.str();
      const auto level = event.severity() <= RdKafka::Event::EVENT_SEVERITY_ERROR ? log::Level::kError
                         : event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING ? log::Level::kWarn
                                                                                      : log::Level::kDebug;
      log::Write(level, "kafka log", {{"role", role_}, {"facility", fac}, {"detail", detail}});
      break;
    }
    default:
      break;
  }
}

}  // namespace shop::events::kafka_detail
