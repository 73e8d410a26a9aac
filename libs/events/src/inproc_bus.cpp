#include <exception>

#include "shop/events/relay.hpp"
#include "shop/observability/log.hpp"

namespace shop::events {

void InProcBus::Subscribe(std::string topic, std::string consumer, Handler handler) {
  subs_.push_back({std::move(topic), std::move(consumer), std::move(handler)});
}

// Every subscriber is tried even after one fails: the relay retries the whole event, and the
// subscribers that already succeeded drop the duplicate through their inbox.
Result<void> InProcBus::Publish(const Envelope& e) {
  std::optional<Error> first;
  for (const auto& s : subs_) {
    if (s.topic != e.topic) continue;
    try {
      if (auto r = s.handler(e); !r) {
        log::Warn("consumer failed", {{"consumer", s.consumer}, {"event_type", e.event_type},
                                      {"event_id", e.event_id}, {"error", r.error().detail}});
        if (!first) first = Error{r.error().code, s.consumer + ": " + r.error().detail};
      }
    } catch (const std::exception& ex) {
      log::Error("consumer threw", {{"consumer", s.consumer}, {"event_type", e.event_type},
                                    {"event_id", e.event_id}, {"error", std::string_view(ex.what())}});
      if (!first) first = Error::Internal(s.consumer + " threw: " + ex.what());
    } catch (...) {
      log::Error("consumer threw", {{"consumer", s.consumer}, {"event_id", e.event_id}});
      if (!first) first = Error::Internal(s.consumer + " threw");
    }
  }
  if (first) return *first;
  return Ok();
}

}  // namespace shop::events
