// OutboxRelay: one background thread per service database. It claims pending outbox rows in
// commit order, publishes each through the Bus, and marks it sent; a row whose publish failed stays
// pending and is retried with backoff (after `max_attempts` it is parked as dead, counted in
// /metrics, and logged). It wakes on every commit of its database and polls as a fallback.
// Failpoints: "outbox.before_publish", "outbox.after_publish" (before the row is marked sent).
//
// Order: rows are claimed in seq order. On SQLite seq order equals commit order because writers are
// serialised (BEGIN IMMEDIATE), so an AUTOINCREMENT seq is never committed "behind" a visible one.
// (PostgreSQL will need a different claim: FOR UPDATE SKIP LOCKED plus a commit-order guard.)
// A batch stops at its first failure, and a row waiting for a retry holds back the later rows of
// the same topic+key, so per-aggregate order survives retries; a dead row no longer holds them.
// Delivery is at-least-once (a crash between publish and mark-sent republishes); consumers dedupe
// with Remember(). Retry delay: min(100 ms * 2^attempts, 30 s). Sent rows older than 7 days are
// deleted by the background thread (hourly).
// Metrics: shop_outbox_published_total{service}, shop_outbox_dead_total{service},
// gauge shop_outbox_pending{service}.
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
  const Clock* clock = nullptr;  // nullptr: SystemClock (tests pass a ManualClock)
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
  struct WakeHook;
  struct Claimed;
  void Loop();
  // Publishes due rows batch by batch until none is left (or, when `honour_stop`, Stop() was
  // called). Caller holds drain_mu_.
  Result<int> DrainLocked(bool honour_stop);
  Result<int> PublishBatch(const std::vector<Claimed>& batch, bool& failed);
  void UpdatePendingGauge();
  void MaybeCleanup();
  UnixMillis Now() const;
  db::Database& db_;
  Bus& bus_;
  RelayOptions options_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool wake_ = false;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex drain_mu_;
  std::shared_ptr<WakeHook> hook_;
  UnixMillis last_cleanup_ = 0;
};

// Delivers to subscribers in the same process (the embedded shape). Subscribers run on the
// publishing relay's thread. Subscribe() before the relay starts (no locking). A subscriber that
// returns an error or throws makes Publish return an error after the others were still tried.
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
