#include "pg_pool.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <mutex>

#include "shop/observability/metrics.hpp"

namespace shop::db::pgdetail {
namespace {

const metrics::Labels& PgLabels() {
  static const metrics::Labels labels = {{"driver", "postgres"}};
  return labels;
}

void DescribeMetrics() {
  static std::once_flag once;
  std::call_once(once, [] {
    metrics::Describe("shop_db_connections", "gauge", "Open database connections in the pools");
    metrics::Describe("shop_db_pool_exhausted_total", "counter",
                      "Transactions that found every pooled connection busy until the acquire timeout");
    metrics::Describe("shop_db_reconnects_total", "counter", "Broken database connections re-established");
    metrics::Describe("shop_db_pool_wait_seconds", "histogram", "Time spent waiting for a pooled connection");
    metrics::Describe("shop_db_round_trips_total", "counter",
                      "Round trips to the database server (a pipeline of statements counts once)");
  });
}

}  // namespace

Pool::Pool(Loop& loop, ConnectParams params, int max, std::chrono::milliseconds acquire_timeout)
    : loop_(loop), params_(std::move(params)), max_(max), acquire_timeout_(acquire_timeout) {
  DescribeMetrics();
}

Pool::~Pool() { metrics::Add("shop_db_connections", PgLabels(), -total_); }

Result<Pool::Lease> Pool::Acquire() { return Acquire(acquire_timeout_); }

// One implementation for both kinds of caller: a blocking caller waits for the coroutine on the
// loop (a worker thread, never the loop itself).
Result<Pool::Lease> Pool::Acquire(std::chrono::milliseconds timeout) { return loop_.Run(AcquireAsync(timeout)); }

Task<Result<Pool::Lease>> Pool::AcquireAsync(std::chrono::milliseconds timeout) {
  namespace asio = boost::asio;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + timeout;
  std::unique_ptr<Connection> c;
  for (;;) {
    std::shared_ptr<asio::steady_timer> timer;
    {
      std::unique_lock lock(mu_);
      if (!idle_.empty()) {
        c = std::move(idle_.back());
        idle_.pop_back();
        break;
      }
      if (total_ < max_) {
        ++total_;
        lock.unlock();
        metrics::Add("shop_db_connections", PgLabels(), 1);
        auto opened = co_await Connection::OpenAsync(loop_, params_);
        if (!opened) {
          Forget();
          co_return opened.error();
        }
        co_return Lease(this, std::move(*opened));
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        metrics::Inc("shop_db_pool_exhausted_total", PgLabels());
        co_return Error::Unavailable("database pool exhausted");
      }
      timer = std::make_shared<asio::steady_timer>(loop_.executor(), deadline);
      async_waiters_.push_back(timer);
    }
    // Woken early (cancelled) when a connection comes back; either way, look again.
    (void)co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
    std::lock_guard lock(mu_);
    async_waiters_.erase(std::remove(async_waiters_.begin(), async_waiters_.end(), timer), async_waiters_.end());
  }
  metrics::Observe("shop_db_pool_wait_seconds", PgLabels(),
                   std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  if (c->Broken()) {
    if (auto r = co_await c->ResetAsync(); !r) {
      c.reset();
      Forget();
      co_return r.error();
    }
  }
  co_return Lease(this, std::move(c));
}

void Pool::Return(std::unique_ptr<Connection> c) {
  // A connection still inside a transaction (a bug upstream, or a failed ROLLBACK) is not reused.
  // On the loop thread a blocking ROLLBACK would wait for itself: the connection is closed instead
  // (the server rolls back).
  if (!c->Broken() && c->State() != TxState::kIdle && !loop_.InLoopThread()) (void)c->Simple("ROLLBACK");
  if (!c->Broken() && c->State() != TxState::kIdle) {
    c.reset();
    Forget();
    return;
  }
  std::shared_ptr<boost::asio::steady_timer> waiter;
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
    if (!async_waiters_.empty()) {
      waiter = async_waiters_.front();
      async_waiters_.pop_front();
    }
  }
  if (waiter) boost::asio::post(loop_.executor(), [waiter] { waiter->cancel(); });
}

void Pool::Track(Connection* c) {
  std::lock_guard lock(mu_);
  leased_.push_back(c);
}

void Pool::Untrack(Connection* c) {
  std::lock_guard lock(mu_);
  leased_.erase(std::remove(leased_.begin(), leased_.end(), c), leased_.end());
}

void Pool::CancelLeased() {
  std::vector<Connection*> leased;
  {
    std::lock_guard lock(mu_);
    leased = leased_;
  }
  for (Connection* c : leased) c->Cancel();
}

void Pool::Forget() {
  metrics::Add("shop_db_connections", PgLabels(), -1);
  std::shared_ptr<boost::asio::steady_timer> waiter;
  {
    std::lock_guard lock(mu_);
    --total_;
    if (!async_waiters_.empty()) {
      waiter = async_waiters_.front();
      async_waiters_.pop_front();
    }
  }
  if (waiter) boost::asio::post(loop_.executor(), [waiter] { waiter->cancel(); });
}

}  // namespace shop::db::pgdetail
