#include "shop/events/relay.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <optional>
#include <set>

#include "shop/failpoint/failpoint.hpp"
#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

constexpr UnixMillis kBaseDelayMs = 100;
constexpr UnixMillis kMaxDelayMs = 30'000;
constexpr UnixMillis kRetentionMs = 7LL * 24 * 3600 * 1000;
constexpr UnixMillis kCleanupEveryMs = 3600 * 1000;

// A row waiting for its retry (next_attempt_at in the future) holds back the later rows of its
// aggregate; rows due now come in seq order, so an earlier due row is always in the same batch.
constexpr std::string_view kClaim = R"sql(
  SELECT o.seq, o.event_id, o.topic, o.key, o.payload, o.attempts
  FROM outbox o
  WHERE o.status = 'pending' AND o.next_attempt_at <= $1
    AND NOT EXISTS (SELECT 1 FROM outbox p
                    WHERE p.status = 'pending' AND p.topic = o.topic AND p.key = o.key
                      AND p.seq < o.seq AND p.next_attempt_at > $1)
  ORDER BY o.seq
  LIMIT $2)sql";

// PostgreSQL: the same due rows, locked for the publishing transaction. SKIP LOCKED makes
// concurrent relays (replicas of one service) take disjoint rows; a row another relay marked sent
// meanwhile fails the re-checked status and is not returned. `held` flags a claimed row with an
// earlier pending row of the same topic+key that is not in the claim: another relay holds it
// (skipped as locked), so publishing the later one now could overtake it; it stays pending for the
// next pass. One statement (claim and check share its snapshot): one round trip per batch.
constexpr std::string_view kClaimLockedPg = R"sql(
  WITH claimed AS (
    SELECT o.seq, o.event_id, o.topic, o.key, o.payload, o.attempts
    FROM outbox o
    WHERE o.status = 'pending' AND o.next_attempt_at <= $1
      AND NOT EXISTS (SELECT 1 FROM outbox p
                      WHERE p.status = 'pending' AND p.topic = o.topic AND p.key = o.key
                        AND p.seq < o.seq AND p.next_attempt_at > $1)
    ORDER BY o.seq
    LIMIT $2
    FOR UPDATE OF o SKIP LOCKED)
  SELECT c.seq, c.event_id, c.topic, c.key, c.payload, c.attempts,
         (EXISTS (SELECT 1 FROM outbox p
                  WHERE p.status = 'pending' AND p.topic = c.topic AND p.key = c.key
                    AND p.seq < c.seq AND p.seq NOT IN (SELECT seq FROM claimed)))::int AS held
  FROM claimed c
  ORDER BY c.seq)sql";

constexpr std::string_view kMarkSent =
    "UPDATE outbox SET status = 'sent', published_at = $2, last_error = NULL WHERE seq = $1";
// PostgreSQL: every published row of a batch in one statement ($1: an array literal "{1,2,3}").
constexpr std::string_view kMarkSentManyPg =
    "UPDATE outbox SET status = 'sent', published_at = $2, last_error = NULL WHERE seq = ANY($1::bigint[])";
constexpr std::string_view kMarkFailed =
    "UPDATE outbox SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5 WHERE seq = $1";
constexpr std::string_view kCountPending = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
constexpr std::string_view kDeleteOldSent = "DELETE FROM outbox WHERE status = 'sent' AND published_at < $1";

// Set while this thread commits the relay's own bookkeeping, so that commit does not wake the relay.
thread_local bool t_relay_commit = false;

// The pending gauge costs a COUNT(*); the relay thread refreshes it at most this often.
constexpr auto kGaugeEvery = std::chrono::seconds(1);

UnixMillis RetryDelay(std::int64_t attempts) {
  const auto shift = std::clamp<std::int64_t>(attempts, 0, 20);
  return std::min(kBaseDelayMs << shift, kMaxDelayMs);
}

}  // namespace

struct OutboxRelay::WakeHook {
  std::mutex mu;
  OutboxRelay* relay = nullptr;
};

struct OutboxRelay::Claimed {
  std::int64_t seq = 0;
  std::string event_id, topic, key, payload;
  std::int64_t attempts = 0;
};

// What one batch's publishing did, for marking the rows and then reporting.
struct OutboxRelay::Failed {
  Claimed row;
  Error error;
  bool poison = false;  // the payload does not parse: park it at once
  bool dead = false;    // set by MarkRows: parked after max_attempts (or poison)
};

struct OutboxRelay::Attempt {
  std::vector<std::int64_t> sent;  // published (acknowledged by the bus)
  std::vector<Failed> failed;      // not published; nothing of their topic+key after them went out
};

OutboxRelay::OutboxRelay(db::Database& db, Bus& bus, RelayOptions options)
    : db_(db), bus_(bus), options_(std::move(options)) {
  metrics::Describe("shop_outbox_published_total", "counter", "Outbox events published to the bus");
  metrics::Describe("shop_outbox_dead_total", "counter", "Outbox events parked after max_attempts failures");
  metrics::Describe("shop_outbox_pending", "gauge", "Outbox events waiting to be published");
}

OutboxRelay::~OutboxRelay() {
  if (hook_) {
    std::lock_guard lock(hook_->mu);
    hook_->relay = nullptr;
  }
  Stop();
}

UnixMillis OutboxRelay::Now() const {
  return options_.clock != nullptr ? options_.clock->NowMs() : SystemClock::Instance().NowMs();
}

void OutboxRelay::Start() {
  if (thread_.joinable()) return;
  stop_ = false;
  if (!hook_) {
    hook_ = std::make_shared<WakeHook>();
    hook_->relay = this;
    db_.OnCommit([hook = hook_] {
      if (t_relay_commit) return;
      std::lock_guard lock(hook->mu);
      if (hook->relay != nullptr) hook->relay->Wake();
    });
  }
  thread_ = std::thread([this] { Loop(); });
}

void OutboxRelay::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::Wake() {
  {
    std::lock_guard lock(mu_);
    wake_ = true;
  }
  cv_.notify_one();
}

Result<int> OutboxRelay::Drain() {
  std::lock_guard lock(drain_mu_);
  return DrainLocked(false);
}

void OutboxRelay::Loop() {
  while (!stop_) {
    try {
      std::lock_guard lock(drain_mu_);
      if (auto r = DrainLocked(true); !r) {
        log::Warn("outbox relay pass failed", {{"service", options_.service}, {"error", r.error().detail}});
      }
      MaybeCleanup();
    } catch (const std::exception& e) {
      log::Error("outbox relay pass threw", {{"service", options_.service}, {"error", std::string_view(e.what())}});
    }
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(options_.poll_interval_ms), [&] { return wake_ || stop_.load(); });
    wake_ = false;
  }
}

Result<int> OutboxRelay::DrainLocked(bool honour_stop) {
  const bool pg = db_.dialect() == db::Dialect::kPostgres;
  int published = 0;
  while (!(honour_stop && stop_)) {
    BatchResult b;
    auto r = pg ? DrainPostgresBatch(b) : DrainSqliteBatch(b);
    if (!r) return r.error();
    published += b.published;
    // A full batch may have more behind it; after a failure other aggregates may still be due.
    // A batch that published nothing because another relay holds the heads of its aggregates
    // ends the pass (the next poll retries), so two relays never spin on each other's rows.
    const bool full = b.claimed >= options_.batch_size;
    if (b.claimed == 0) break;
    if (!b.failed && !(full && b.published > 0)) break;
  }
  // Drain() (tests, shutdown) always refreshes the gauge; the thread at most every kGaugeEvery, so
  // a busy relay does not pay a COUNT(*) per event.
  const auto now = std::chrono::steady_clock::now();
  if (!honour_stop || now >= next_gauge_) {
    UpdatePendingGauge();
    next_gauge_ = now + kGaugeEvery;
  }
  return published;
}

std::vector<OutboxRelay::Claimed> OutboxRelay::ToClaimed(const db::Rows& rows) {
  std::vector<Claimed> batch;
  batch.reserve(rows.size());
  for (const auto& r : rows) batch.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
  return batch;
}

// SQLite: writers are serialised, so claiming in a read snapshot and marking in a later write
// transaction is safe for the one relay of the database (drain_mu_ serialises Drain and the thread).
Result<void> OutboxRelay::DrainSqliteBatch(BatchResult& out) {
  auto rows = db_.Read([&](db::Tx& tx) { return tx.Query(kClaim, {Now(), options_.batch_size}); });
  if (!rows) return rows.error();
  out.claimed = static_cast<int>(rows->size());
  if (rows->empty()) return Ok();
  const auto batch = ToClaimed(*rows);
  Attempt a = PublishRows(batch);
  t_relay_commit = true;
  auto marked = db_.Write([&](db::Tx& tx) { return MarkRows(tx, a); });
  t_relay_commit = false;
  if (!marked) return marked.error();  // published rows stay pending: republished later (inbox dedupes)
  Report(a);
  out.published = static_cast<int>(a.sent.size());
  out.failed = !a.failed.empty();
  return Ok();
}

// PostgreSQL: claim (FOR UPDATE SKIP LOCKED), publish and mark in ONE transaction, so the row
// locks last exactly as long as the publishing: another replica's relay skips these rows, and a
// relay that dies mid-batch releases them with its connection (they are published again by the
// next pass of any replica: at-least-once, the consumers' inbox dedupes).
Result<void> OutboxRelay::DrainPostgresBatch(BatchResult& out) {
  Attempt a;
  auto done = db_.Write([&](db::Tx& tx) -> Result<void> {
    a = Attempt{};
    auto rows = tx.Query(kClaimLockedPg, {Now(), options_.batch_size});
    if (!rows) return rows.error();
    out.claimed = static_cast<int>(rows->size());
    if (rows->empty()) {
      // Nothing to claim: this (empty) write commit is the relay's own and must not wake it, or
      // an idle relay would poll the database in a tight loop.
      t_relay_commit = true;
      return Ok();
    }
    auto batch = ToClaimed(*rows);
    std::set<std::int64_t> held;
    for (const auto& r : *rows) {
      if (r.Bool(6)) held.insert(r.Int(0));
    }
    if (!held.empty()) std::erase_if(batch, [&](const Claimed& c) { return held.contains(c.seq); });
    a = PublishRows(batch);
    // Only from here on: the commit that follows is the relay's own (a subscriber's commit during
    // PublishRows, e.g. an InProcBus one on another database, still wakes its relay).
    t_relay_commit = true;
    return MarkRows(tx, a);
  });
  t_relay_commit = false;
  if (!done) return done.error();  // published rows stay pending: republished later (inbox dedupes)
  Report(a);
  out.published = static_cast<int>(a.sent.size());
  out.failed = !a.failed.empty();
  return Ok();
}

// In waves: a wave is the longest run of the next rows with no topic+key twice; it is handed to
// the bus at once (PublishBatch: KafkaBus produces it and waits once for the acknowledgements).
// A wave with a failure ends the batch: its rows that went out are marked sent, the failed ones
// wait for their retry, the later rows stay pending (the next claim holds back those of a failed
// row's topic+key). Per-aggregate order holds because a topic+key has one row per wave and a wave
// starts only after the previous one was fully acknowledged.
OutboxRelay::Attempt OutboxRelay::PublishRows(const std::vector<Claimed>& batch) {
  Attempt a;
  std::size_t next = 0;
  while (next < batch.size()) {
    std::vector<const Claimed*> wave;
    std::vector<Envelope> envelopes;
    std::set<std::pair<std::string_view, std::string_view>> keys;
    bool stop = false;  // a row failed before it was handed to the bus
    for (; next < batch.size(); ++next) {
      const auto& row = batch[next];
      if (!keys.emplace(row.topic, row.key).second) break;
      if (auto fp = failpoint::Hit("outbox.before_publish"); !fp) {
        a.failed.push_back({row, fp.error()});
        stop = true;
        break;
      }
      auto env = Envelope::FromJson(row.payload, row.topic, row.key);
      if (!env) {
        a.failed.push_back({row, env.error(), /*poison=*/true});  // a payload that does not parse never will
        stop = true;
        break;
      }
      wave.push_back(&row);
      envelopes.push_back(std::move(*env));
    }
    std::vector<Result<void>> results;
    try {
      if (!envelopes.empty()) results = bus_.PublishBatch(envelopes);
    } catch (const std::exception& e) {
      results.assign(envelopes.size(), Error::Internal(std::string("publish threw: ") + e.what()));
    }
    if (results.size() != envelopes.size()) {
      results.assign(envelopes.size(), Error::Internal("bus returned a wrong number of results"));
    }
    for (std::size_t i = 0; i < wave.size(); ++i) {
      auto r = std::move(results[i]);
      if (r) r = failpoint::Hit("outbox.after_publish");
      if (r) {
        a.sent.push_back(wave[i]->seq);
      } else {
        a.failed.push_back({*wave[i], r.error()});
      }
    }
    if (stop || !a.failed.empty()) break;
  }
  return a;
}

Result<void> OutboxRelay::MarkRows(db::Tx& tx, Attempt& a) {
  const UnixMillis now = Now();
  if (!a.sent.empty() && db_.dialect() == db::Dialect::kPostgres) {
    std::string seqs = "{";
    for (auto seq : a.sent) seqs += (seqs.size() > 1 ? "," : "") + std::to_string(seq);
    seqs += "}";
    if (auto r = tx.Exec(kMarkSentManyPg, {seqs, now}); !r) return r.error();
  } else {
    for (auto seq : a.sent) {
      if (auto r = tx.Exec(kMarkSent, {seq, now}); !r) return r.error();
    }
  }
  for (auto& f : a.failed) {
    const auto attempts = f.row.attempts + 1;
    f.dead = f.poison || attempts >= options_.max_attempts;
    auto r = tx.Exec(kMarkFailed, {f.row.seq, attempts, now + RetryDelay(f.row.attempts),
                                   f.dead ? "dead" : "pending", f.error.detail});
    if (!r) return r.error();
  }
  return Ok();
}

void OutboxRelay::Report(const Attempt& a) {
  const metrics::Labels labels{{"service", options_.service}};
  if (!a.sent.empty()) metrics::Inc("shop_outbox_published_total", labels, static_cast<double>(a.sent.size()));
  for (const auto& f : a.failed) {
    const auto& row = f.row;
    if (f.dead) {
      metrics::Inc("shop_outbox_dead_total", labels);
      log::Error("outbox event parked as dead",
                 {{"service", options_.service}, {"event_id", row.event_id}, {"topic", row.topic},
                  {"attempts", row.attempts + 1}, {"error", f.error.detail}});
    } else {
      log::Warn("outbox publish failed, will retry",
                {{"service", options_.service}, {"event_id", row.event_id}, {"topic", row.topic},
                 {"attempts", row.attempts + 1}, {"error", f.error.detail}});
    }
  }
}

void OutboxRelay::UpdatePendingGauge() {
  auto n = db_.Read([](db::Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne(kCountPending);
    if (!row) return row.error();
    return (*row)->Int(0);
  });
  if (n) metrics::Set("shop_outbox_pending", {{"service", options_.service}}, static_cast<double>(*n));
}

void OutboxRelay::MaybeCleanup() {
  const auto now = Now();
  if (last_cleanup_ != 0 && now - last_cleanup_ < kCleanupEveryMs) return;
  last_cleanup_ = now;
  t_relay_commit = true;
  auto r = db_.Write([&](db::Tx& tx) { return tx.Exec(kDeleteOldSent, {now - kRetentionMs}); });
  t_relay_commit = false;
  if (!r) log::Warn("outbox cleanup failed", {{"service", options_.service}, {"error", r.error().detail}});
}

}  // namespace shop::events
