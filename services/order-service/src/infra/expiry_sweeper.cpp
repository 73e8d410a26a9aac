#include "infra/expiry_sweeper.hpp"

#include <chrono>

#include "shop/idempotency/idempotency.hpp"
#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::order::infra {
namespace {
constexpr UnixMillis kPurgeEveryMs = 3'600'000;
}  // namespace

ExpirySweeper::ExpirySweeper(app::Saga& saga, db::Database& db, const Clock& clock, int interval_ms)
    : saga_(saga), db_(db), clock_(clock), interval_ms_(interval_ms) {}

ExpirySweeper::~ExpirySweeper() { Stop(); }

void ExpirySweeper::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ExpirySweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Result<int> ExpirySweeper::SweepOnce() {
  const auto now = clock_.NowMs();
  auto cancelled = saga_.ExpireStale(now);
  if (now - last_purge_ >= kPurgeEveryMs) {
    last_purge_ = now;
    if (auto purged = idempotency::Purge(db_, now); !purged) {
      log::Warn("idempotency purge failed", {{"error", std::string_view(purged.error().detail)}});
    }
  }
  return cancelled;
}

void ExpirySweeper::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    lock.unlock();
    try {
      auto n = SweepOnce();
      if (!n) {
        log::Warn("order expiry sweep failed", {{"error", std::string_view(n.error().detail)}});
      } else if (*n > 0) {
        metrics::Inc("shop_orders_expired_total", {}, *n);
        log::Info("expired unpaid orders", {{"cancelled", static_cast<std::int64_t>(*n)}});
      }
    } catch (const std::exception& e) {
      log::Error("order expiry sweep threw", {{"error", std::string_view(e.what())}});
    }
    lock.lock();
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; });
  }
}

}  // namespace shop::order::infra
