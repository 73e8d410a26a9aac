// Private to libs/http_client: the bounded keep-alive pool of one upstream. It counts slots, not
// sockets: a slot is an idle connection, a leased one, or the right to open a new one. At most
// `max_connections` slots exist; a caller beyond that queues (FIFO) until a slot is released or its
// wait times out. Thread-safe (one mutex); the connections themselves are opaque here.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "shop/async/task.hpp"
#include "shop/http/client.hpp"

namespace shop::http::detail {

class ClientConnection;  // client.cpp

class Pool {
 public:
  using ConnectionPtr = std::shared_ptr<ClientConnection>;

  Pool(std::size_t max_connections, std::chrono::milliseconds max_idle);

  // A slot within `wait`: an idle connection (reused), or nullptr meaning "open a new one".
  // nullopt when the wait timed out. Resumes on the caller's executor.
  Task<std::optional<ConnectionPtr>> Acquire(std::chrono::milliseconds wait);

  // Gives a slot back: `conn` goes idle when `reusable`, otherwise the slot is freed. The first
  // waiter, if any, gets the slot instead.
  void Release(ConnectionPtr conn, bool reusable);

  void CountCreated();
  PoolStats Stats() const;

 private:
  struct Waiter;
  struct Idle {
    ConnectionPtr conn;
    std::chrono::steady_clock::time_point since;
  };

  std::optional<ConnectionPtr> TryTakeLocked();

  const std::size_t max_connections_;
  const std::chrono::milliseconds max_idle_;
  mutable std::mutex mutex_;
  std::vector<Idle> idle_;  // most recently used last
  std::deque<std::shared_ptr<Waiter>> waiters_;
  std::size_t open_ = 0;
  std::size_t created_ = 0;
  std::size_t reused_ = 0;
};

}  // namespace shop::http::detail
