#include "pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shop::http::detail {

namespace net = boost::asio;

struct Pool::Waiter {
  explicit Waiter(const net::any_io_executor& ex) : timer(ex) {}
  net::steady_timer timer;
  std::optional<ConnectionPtr> grant;  // set (under the pool mutex) when a slot is handed over
};

Pool::Pool(std::size_t max_connections, std::chrono::milliseconds max_idle)
    : max_connections_(std::max<std::size_t>(1, max_connections)), max_idle_(max_idle) {}

std::optional<Pool::ConnectionPtr> Pool::TryTakeLocked() {
  const auto now = std::chrono::steady_clock::now();
  while (!idle_.empty()) {
    Idle entry = std::move(idle_.back());
    idle_.pop_back();
    // A connection idle for long has probably been closed by the server: drop it, keep its slot.
    if (now - entry.since > max_idle_) return ConnectionPtr{};
    ++reused_;
    return std::move(entry.conn);
  }
  if (open_ < max_connections_) {
    ++open_;
    return ConnectionPtr{};
  }
  return std::nullopt;
}

Task<std::optional<Pool::ConnectionPtr>> Pool::Acquire(std::chrono::milliseconds wait) {
  const auto ex = co_await net::this_coro::executor;
  std::shared_ptr<Waiter> waiter;
  {
    std::lock_guard lock(mutex_);
    if (waiters_.empty()) {
      if (auto slot = TryTakeLocked()) co_return slot;
    }
    waiter = std::make_shared<Waiter>(ex);
    waiter->timer.expires_after(wait);
    waiters_.push_back(waiter);
  }
  co_await waiter->timer.async_wait(net::as_tuple(net::use_awaitable));
  std::lock_guard lock(mutex_);
  if (waiter->grant) co_return std::move(waiter->grant);
  std::erase(waiters_, waiter);
  co_return std::nullopt;
}

void Pool::Release(ConnectionPtr conn, bool reusable) {
  std::shared_ptr<Waiter> next;
  {
    std::lock_guard lock(mutex_);
    if (!reusable) conn.reset();
    if (waiters_.empty()) {
      if (conn) {
        idle_.push_back({std::move(conn), std::chrono::steady_clock::now()});
      } else {
        --open_;
      }
      return;
    }
    next = std::move(waiters_.front());
    waiters_.pop_front();
    if (conn) ++reused_;
    next->grant = std::move(conn);  // a connection, or the freed slot (nullptr)
  }
  // Wake the waiter on its own executor: the timer belongs to it.
  net::post(next->timer.get_executor(), [next] { next->timer.cancel(); });
}

void Pool::CountCreated() {
  std::lock_guard lock(mutex_);
  ++created_;
}

PoolStats Pool::Stats() const {
  std::lock_guard lock(mutex_);
  return PoolStats{open_, idle_.size(), created_, reused_};
}

}  // namespace shop::http::detail
