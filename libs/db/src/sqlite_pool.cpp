#include "sqlite_pool.hpp"

namespace shop::db::detail {

Pool::Pool(std::string path, int max_connections, std::unique_ptr<Connection> first)
    : path_(std::move(path)), max_(max_connections) {
  idle_.push_back(std::move(first));
}

Result<Pool::Lease> Pool::Acquire() {
  std::unique_lock lock(mu_);
  for (;;) {
    if (!idle_.empty()) {
      auto c = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(c));
    }
    if (total_ < max_) break;
    cv_.wait(lock);
  }
  ++total_;  // reserve the slot, open outside the lock
  lock.unlock();
  auto c = Connection::Open(path_);
  if (!c) {
    lock.lock();
    --total_;
    cv_.notify_one();
    return c.error();
  }
  return Lease(this, std::move(*c));
}

void Pool::Return(std::unique_ptr<Connection> c) {
  if (c->InTransaction()) {
    // A failed ROLLBACK left a transaction open: retry once, else drop the connection (except the
    // in-memory one, which *is* the database).
    (void)c->Exec("ROLLBACK");
    if (c->InTransaction() && max_ > 1) {
      c.reset();
      std::lock_guard lock(mu_);
      --total_;
      cv_.notify_one();
      return;
    }
  }
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(c));
  cv_.notify_one();
}

}  // namespace shop::db::detail
