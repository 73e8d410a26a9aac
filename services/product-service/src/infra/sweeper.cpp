#include "infra/sweeper.hpp"

#include <chrono>

#include "shop/observability/log.hpp"

namespace shop::product::infra {

void ReservationSweeper::Start() {
  std::lock_guard lock(mu_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void ReservationSweeper::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ReservationSweeper::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::milliseconds(interval_ms_), [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    // A failed sweep (database busy) is retried on the next tick.
    auto released = inventory_.SweepExpired();
    if (!released) {
      log::Warn("reservation sweep failed", {{"component", std::string_view("product-service")},
                                             {"error", std::string_view(released.error().detail)}});
    } else if (*released > 0) {
      log::Info("expired reservations released",
                {{"component", std::string_view("product-service")}, {"orders", static_cast<std::int64_t>(*released)}});
    }
    lock.lock();
  }
}

}  // namespace shop::product::infra
