// OutboxRelay: one background thread per service database. It claims pending outbox rows in
// commit order, publishes them through the Bus, and marks them sent; a row whose publish failed
// stays pending and is retried with backoff (after `max_attempts` it is parked as dead, counted in
// /metrics, and logged). It wakes on every commit of its database and polls as a fallback.
// Failpoints: "outbox.before_publish" (per row, before it is handed to the bus),
// "outbox.after_publish" (per row, after the bus acknowledged it, before it is marked sent).
//
// Batching: a claimed batch is published in waves, each the longest run of the next rows with no
// topic+key twice, handed to Bus::PublishBatch at once (KafkaBus produces the wave and waits once
// for all acknowledgements: one broker round trip per wave, not per event). A wave starts only
// after the previous one was fully acknowledged, so one aggregate's events still go out one after
// the other. On PostgreSQL the published rows are marked sent with one UPDATE.
//
// Order: rows are claimed in seq order, and nothing is skipped: every pass scans the rows still
// 'pending' (never "seq > last seen", which would skip rows that commit out of seq order).
// A batch stops after its first wave with a failure (that wave's other rows that went out are
// marked sent), and a row waiting for a retry holds back the later rows of the same topic+key, so
// per-aggregate order survives retries; a dead row no longer holds them.
// SQLite: seq order equals commit order because writers are serialised (BEGIN IMMEDIATE); the
// one relay of a database claims in a read snapshot and marks in a later write transaction.
// PostgreSQL (several replicas of a service may relay one database): each batch is claimed with
// SELECT ... FOR UPDATE SKIP LOCKED, published and marked sent inside that one transaction, so
// concurrent relays take disjoint rows (each event is published once in the normal case; a relay
// that dies mid-batch releases its rows, which are published again: at-least-once), and a claimed
// row whose earlier same-topic+key row is pending but held by another relay is put back, so one
// aggregate's events never overtake each other across replicas. Per-aggregate order is seq order
// among committed rows; it equals commit order when the writers of one aggregate serialise on it
// (the services update the aggregate's row in the transaction that appends its event). Because
// the publish runs inside the relay's write transaction, a Bus subscriber must not write to the
// same PostgreSQL Database on the relay's thread (the driver refuses nested writes); Kafka
// consumers run on their own threads, so this only concerns an InProcBus over PostgreSQL.
// Delivery is at-least-once (a crash between publish and mark-sent republishes); consumers dedupe
// with Remember(). Retry delay: min(100 ms * 2^attempts, 30 s). Sent rows older than 7 days are
// deleted by the background thread (hourly).
// Metrics: shop_outbox_published_total{service}, shop_outbox_dead_total{service},
// gauge shop_outbox_pending{service} (refreshed by every Drain(), by the thread at most once a second).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  struct Failed;
  struct Attempt;
  struct BatchResult {
    int claimed = 0;    // rows claimed (before any put back)
    int published = 0;
    bool failed = false;
  };
  static std::vector<Claimed> ToClaimed(const db::Rows& rows);
  Result<void> DrainSqliteBatch(BatchResult& out);
  Result<void> DrainPostgresBatch(BatchResult& out);
  // Publishes the batch in waves (no topic+key twice in a wave, one PublishBatch per wave) up to
  // the first wave with a failure; touches no database.
  Attempt PublishRows(const std::vector<Claimed>& batch);
  Result<void> MarkRows(db::Tx& tx, Attempt& a);
  void Report(const Attempt& a);  // metrics and logs, after the marks committed
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
  std::chrono::steady_clock::time_point next_gauge_{};
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
