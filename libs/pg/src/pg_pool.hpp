// A bounded pool of libpq connections (all driven by one Loop), opened lazily up to `max`. Acquire() hands a connection to
// one thread until its Lease ends and waits at most `acquire_timeout` while all are out
// (-> kUnavailable "database pool exhausted"). Broken connections are reset on the way out.
// Metrics (label driver="postgres"): shop_db_connections, shop_db_pool_exhausted_total,
// shop_db_reconnects_total, shop_db_pool_wait_seconds.
// A lease released on the loop thread (a coroutine transaction) never blocks it: a connection
// returned still inside a transaction is closed there rather than rolled back.
// Thread-safe. Private to libs/pg.
#pragma once

#include <chrono>
#include <memory>
#include <deque>
#include <mutex>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "pg_connection.hpp"

namespace shop::db::pgdetail {

class Pool {
 public:
  class Lease {
   public:
    Lease(Pool* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) { pool_->Track(c_.get()); }
    Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
    Lease& operator=(Lease&&) = delete;
    ~Lease() { Release(); }
    Connection& operator*() const { return *c_; }
    Connection* operator->() const { return c_.get(); }
    void Release() {
      if (c_) {
        pool_->Untrack(c_.get());
        pool_->Return(std::move(c_));
      }
    }

   private:
    Pool* pool_;
    std::unique_ptr<Connection> c_;
  };

  // Connections do their I/O on `loop`, which must outlive the pool.
  Pool(Loop& loop, ConnectParams params, int max, std::chrono::milliseconds acquire_timeout);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  Result<Lease> Acquire();
  Result<Lease> Acquire(std::chrono::milliseconds timeout);
  // For coroutines on the loop: waits on a timer, never blocks the loop. (Acquire runs it.)
  Task<Result<Lease>> AcquireAsync() { return AcquireAsync(acquire_timeout_); }
  Task<Result<Lease>> AcquireAsync(std::chrono::milliseconds timeout);
  // A connection outside the pool (advisory locks held across transactions), same parameters.
  Result<std::unique_ptr<Connection>> OpenDedicated() const { return Connection::Open(loop_, params_); }
  // Cancels every leased connection (on the loop thread): the operations waiting on them end with
  // kUnavailable, and the connections are reset before reuse. For shutdown only.
  void CancelLeased();
  int max_connections() const { return max_; }
  std::chrono::milliseconds acquire_timeout() const { return acquire_timeout_; }

 private:
  void Return(std::unique_ptr<Connection> c);
  void Forget();  // a checked-out connection was dropped

  Loop& loop_;
  const ConnectParams params_;
  const int max_;
  const std::chrono::milliseconds acquire_timeout_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int total_ = 0;
  // Coroutines waiting for a connection: each sleeps on its timer until its deadline; Return()
  // cancels the oldest one's timer (on the loop) so that it looks again.
  std::deque<std::shared_ptr<boost::asio::steady_timer>> async_waiters_;
  std::vector<Connection*> leased_;
  void Track(Connection* c);
  void Untrack(Connection* c);
};

}  // namespace shop::db::pgdetail
