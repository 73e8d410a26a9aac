#include "pg_pool.hpp"

namespace shop::db::pgdetail {

Pool::Pool(ConnectParams params, int max, std::chrono::milliseconds acquire_timeout,
           std::unique_ptr<Connection> first)
    : params_(std::move(params)), max_(max), acquire_timeout_(acquire_timeout) {
  if (first) {
    idle_.push_back(std::move(first));
    total_ = 1;
  }
}

Result<Pool::Lease> Pool::Acquire() { return Acquire(acquire_timeout_); }

Result<Pool::Lease> Pool::Acquire(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::unique_ptr<Connection> c;
  {
    std::unique_lock lock(mu_);
    for (;;) {
      if (!idle_.empty()) {
        c = std::move(idle_.back());
        idle_.pop_back();
        break;
      }
      if (total_ < max_) {
        ++total_;
        lock.unlock();
        auto opened = Connection::Open(params_);
        if (!opened) {
          Forget();
          return opened.error();
        }
        return Lease(this, std::move(*opened));
      }
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty() && total_ >= max_) {
        return Error::Unavailable("database pool exhausted");
      }
    }
  }
  if (c->Broken()) {
    if (auto r = c->Reset(); !r) {
      c.reset();
      Forget();
      return r.error();
    }
  }
  return Lease(this, std::move(c));
}

void Pool::Return(std::unique_ptr<Connection> c) {
  // A connection still inside a transaction (a bug upstream, or a failed ROLLBACK) is not reused.
  if (!c->Broken() && c->State() != TxState::kIdle) (void)c->Simple("ROLLBACK");
  if (!c->Broken() && c->State() != TxState::kIdle) {
    c.reset();
    Forget();
    return;
  }
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(c));
  }
  cv_.notify_one();
}

void Pool::Forget() {
  {
    std::lock_guard lock(mu_);
    --total_;
  }
  cv_.notify_one();
}

}  // namespace shop::db::pgdetail
