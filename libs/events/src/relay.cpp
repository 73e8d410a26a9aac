#include "shop/events/relay.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

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
  std::int64_t seq;
  std::string event_id, topic, key, payload;
  std::int64_t attempts;
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
  int published = 0;
  while (!(honour_stop && stop_)) {
    auto rows = db_.Read([&](db::Tx& tx) { return tx.Query(kClaim, {Now(), options_.batch_size}); });
    if (!rows) return rows.error();
    if (rows->empty()) break;
    std::vector<Claimed> batch;
    batch.reserve(rows->size());
    for (const auto& r : *rows) batch.push_back({r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4), r.Int(5)});
    bool failed = false;
    auto n = PublishBatch(batch, failed);
    if (!n) return n.error();
    published += *n;
    // A full batch may have more behind it; after a failure other aggregates may still be due.
    if (!failed && static_cast<int>(batch.size()) < options_.batch_size) break;
  }
  UpdatePendingGauge();
  return published;
}

Result<int> OutboxRelay::PublishBatch(const std::vector<Claimed>& batch, bool& failed) {
  std::vector<std::int64_t> sent;
  const Claimed* failed_row = nullptr;
  Error failure;
  bool poison = false;
  for (const auto& row : batch) {
    auto attempt = [&]() -> Result<void> {
      if (auto fp = failpoint::Hit("outbox.before_publish"); !fp) return fp.error();
      auto env = Envelope::FromJson(row.payload, row.topic, row.key);
      if (!env) {
        poison = true;  // a payload that does not parse never will
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
      failed_row = &row;
      failure = r.error();
      break;  // keeps per-aggregate order: nothing after a failed row goes out in this batch
    }
    sent.push_back(row.seq);
  }
  failed = failed_row != nullptr;

  const UnixMillis now = Now();
  bool dead = false;
  t_relay_commit = true;
  auto marked = db_.Write([&](db::Tx& tx) -> Result<void> {
    for (auto seq : sent) {
      if (auto r = tx.Exec(kMarkSent, {seq, now}); !r) return r.error();
    }
    if (failed_row != nullptr) {
      const auto attempts = failed_row->attempts + 1;
      dead = poison || attempts >= options_.max_attempts;
      auto r = tx.Exec(kMarkFailed, {failed_row->seq, attempts, now + RetryDelay(failed_row->attempts),
                                     dead ? "dead" : "pending", failure.detail});
      if (!r) return r.error();
    }
    return Ok();
  });
  t_relay_commit = false;
  if (!marked) return marked.error();  // published rows stay pending: republished later (inbox dedupes)

  const metrics::Labels labels{{"service", options_.service}};
  if (!sent.empty()) metrics::Inc("shop_outbox_published_total", labels, static_cast<double>(sent.size()));
  if (failed_row != nullptr) {
    if (dead) {
      metrics::Inc("shop_outbox_dead_total", labels);
      log::Error("outbox event parked as dead",
                 {{"service", options_.service}, {"event_id", failed_row->event_id}, {"topic", failed_row->topic},
                  {"attempts", failed_row->attempts + 1}, {"error", failure.detail}});
    } else {
      log::Warn("outbox publish failed, will retry",
                {{"service", options_.service}, {"event_id", failed_row->event_id}, {"topic", failed_row->topic},
                 {"attempts", failed_row->attempts + 1}, {"error", failure.detail}});
    }
  }
  return static_cast<int>(sent.size());
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
