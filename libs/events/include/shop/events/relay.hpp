// OutboxRelay: one background thread per service database. It claims pending outbox rows in
// commit order, publishes each through the Bus, and marks it sent; a row whose publish failed stays
// pending and is retried with backoff (after `max_attempts` it is parked as dead, counted in
// /metrics, and logged). It wakes on every commit of its database and polls as a fallback.
// Failpoints: "outbox.before_publish", "outbox.after_publish" (before the row is marked sent).
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "shop/events/event.hpp"

namespace shop::events {

struct RelayOptions {
  std::string service;      // for logs and metrics
  int batch_size = 100;
  int poll_interval_ms = 200;
  int max_attempts = 20;
};

class OutboxRelay {
 public:
  OutboxRelay(db::Database& db, Bus& bus, RelayOptions options);
  ~OutboxRelay();
  void Start();
  void Stop();   // finishes the batch in hand, then joins
  void Wake();
  // Publishes everything pending now, on the caller's thread (tests, and shutdown). Returns the
  // number of rows published.
  Result<int> Drain();

 private:
  void Loop();
  db::Database& db_;
  Bus& bus_;
  RelayOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex drain_mu_;
};

// Delivers to subscribers in the same process (the embedded shape). Subscribers run on the
// publishing relay's thread.
class InProcBus final : public Bus {
 public:
  void Subscribe(std::string topic, std::string consumer, Handler handler) override;
  Result<void> Publish(const Envelope& e) override;

 private:
  struct Sub {
    std::string topic, consumer;
    Handler handler;
  };
  std::vector<Sub> subs_;
};

}  // namespace shop::events
