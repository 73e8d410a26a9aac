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
// meanwhile fails the re-checked status and is not returned.
constexpr std::string_view kClaimLockedPg = R"sql(
  SELECT o.seq, o.event_id, o.topic, o.key, o.payload, o.attempts
  FROM outbox o
  WHERE o.status = 'pending' AND o.next_attempt_at <= $1
    AND NOT EXISTS (SELECT 1 FROM outbox p
                    WHERE p.status = 'pending' AND p.topic = o.topic AND p.key = o.key
                      AND p.seq < o.seq AND p.next_attempt_at > $1)
  ORDER BY o.seq
  LIMIT $2
  FOR UPDATE OF o SKIP LOCKED)sql";

// Of the rows just claimed (the array $1), those with an earlier pending row of the same
// topic+key that is not in the claim: another relay holds it (skipped as locked), so publishing
// the later one now could overtake it. They stay pending for the next pass.
constexpr std::string_view kOvertakingPg = R"sql(
  SELECT c.seq FROM outbox c
  WHERE c.seq = ANY($1::bigint[])
    AND EXISTS (SELECT 1 FROM outbox p
                WHERE p.status = 'pending' AND p.topic = c.topic AND p.key = c.key
                  AND p.seq < c.seq AND p.seq <> ALL($1::bigint[])))sql";

constexpr std::string_view kMarkSent =
    "UPDATE outbox SET status = 'sent', published_at = $2, last_error = NULL WHERE seq = $1";
constexpr std::string_view kMarkFailed =
    "UPDATE outbox SET attempts = $2, next_attempt_at = $3, status = $4, last_error = $5 WHERE seq = $1";
constexpr std::string_view kCountPending = "SELECT COUNT(*) FROM outbox WHERE status = 'pending'";
constexpr std::string_view kDeleteOldSent = "DELETE FROM outbox WHERE status = 'sent' AND published_at < $1";

// Set while this thread commits the relay's own bookkeeping, so that commit does not wake the relay.
thread_local bool t_relay_commit = false;

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
struct OutboxRelay::Attempt {
  std::vector<std::int64_t> sent;  // published, in order
  std::optional<Claimed> failed;   // the row whose publish failed (nothing after it went out)
  Error failure;
  bool poison = false;  // the payload does not parse: park it at once
  bool dead = false;    // set by MarkRows: parked after max_attempts (or poison)
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
  UpdatePendingGauge();
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
  out.failed = a.failed.has_value();
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
    std::string seqs = "{";
    for (const auto& c : batch) seqs += (seqs.size() > 1 ? "," : "") + std::to_string(c.seq);
    seqs += "}";
    auto overtaking = tx.Query(kOvertakingPg, {seqs});
    if (!overtaking) return overtaking.error();
    if (!overtaking->empty()) {
      std::set<std::int64_t> held;
      for (const auto& r : *overtaking) held.insert(r.Int(0));
      std::erase_if(batch, [&](const Claimed& c) { return held.contains(c.seq); });
    }
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
  out.failed = a.failed.has_value();
  return Ok();
}

OutboxRelay::Attempt OutboxRelay::PublishRows(const std::vector<Claimed>& batch) {
  Attempt a;
  for (const auto& row : batch) {
    auto attempt = [&]() -> Result<void> {
      if (auto fp = failpoint::Hit("outbox.before_publish"); !fp) return fp.error();
      auto env = Envelope::FromJson(row.payload, row.topic, row.key);
      if (!env) {
        a.poison = true;  // a payload that does not parse never will
        return env.error();
      }
      try {
        if (auto r = bus_.Publish(*env); !r) return r.error();
      } catch (const std::exception& e) {
        return Error::Internal(std::string("publish threw: ") + e.what());
      }
      return failpoint::Hit("outbox.after_publish");
    };
    if (auto r = attempt(); !r) {
      a.failed = row;
      a.failure = r.error();
      break;  // keeps per-aggregate order: nothing after a failed row goes out in this batch
    }
    a.sent.push_back(row.seq);
  }
  return a;
}

Result<void> OutboxRelay::MarkRows(db::Tx& tx, Attempt& a) {
  const UnixMillis now = Now();
  for (auto seq : a.sent) {
    if (auto r = tx.Exec(kMarkSent, {seq, now}); !r) return r.error();
  }
  if (a.failed.has_value()) {
    const auto attempts = a.failed->attempts + 1;
    a.dead = a.poison || attempts >= options_.max_attempts;
    auto r = tx.Exec(kMarkFailed, {a.failed->seq, attempts, now + RetryDelay(a.failed->attempts),
                                   a.dead ? "dead" : "pending", a.failure.detail});
    if (!r) return r.error();
  }
  return Ok();
}

void OutboxRelay::Report(const Attempt& a) {
  const metrics::Labels labels{{"service", options_.service}};
  if (!a.sent.empty()) metrics::Inc("shop_outbox_published_total", labels, static_cast<double>(a.sent.size()));
  if (!a.failed) return;
  const auto& row = *a.failed;
  if (a.dead) {
    metrics::Inc("shop_outbox_dead_total", labels);
    log::Error("outbox event parked as dead",
               {{"service", options_.service}, {"event_id", row.event_id}, {"topic", row.topic},
                {"attempts", row.attempts + 1}, {"error", a.failure.detail}});
  } else {
    log::Warn("outbox publish failed, will retry",
              {{"service", options_.service}, {"event_id", row.event_id}, {"topic", row.topic},
               {"attempts", row.attempts + 1}, {"error", a.failure.detail}});
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
