// The SQLite driver: a lazily grown connection pool, transactions and commit listeners.
//
// Why BEGIN IMMEDIATE for writes: a deferred transaction that reads first and writes later can fail
// with SQLITE_BUSY_SNAPSHOT in WAL mode without invoking the busy handler; taking the write lock
// up front serialises writers cleanly (and makes the outbox seq order equal the commit order).
#include "sqlite.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "shop/failpoint/failpoint.hpp"
#include "sqlite_connection.hpp"

namespace shop::db::detail {
namespace {

constexpr int kMaxConnections = 8;
constexpr auto kWriteLockWait = std::chrono::seconds(5);

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(Connection& c) : c_(c) {}
  Result<Rows> Query(std::string_view sql, std::vector<Param> params) override { return c_.Query(sql, params); }
  Result<std::int64_t> Exec(std::string_view sql, std::vector<Param> params) override {
    return c_.Exec(sql, params);
  }
  Result<void> ExecScript(std::string_view sql) override { return c_.ExecScript(sql); }
  Dialect dialect() const override { return Dialect::kSqlite; }

 private:
  Connection& c_;
};

class SqliteDatabase;

// A connection checked out of the pool; returns it on destruction.
class Lease {
 public:
  Lease(SqliteDatabase* pool, std::unique_ptr<Connection> c) : pool_(pool), c_(std::move(c)) {}
  Lease(Lease&& o) noexcept : pool_(o.pool_), c_(std::move(o.c_)) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Connection& operator*() const { return *c_; }
  void Release();

 private:
  SqliteDatabase* pool_;
  std::unique_ptr<Connection> c_;
};

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, int max_connections, std::unique_ptr<Connection> first)
      : path_(std::move(path)), max_(max_connections), total_(1) {
    idle_.push_back(std::move(first));
  }

  Dialect dialect() const override { return Dialect::kSqlite; }

  bool Ping() override {
    auto lease = Acquire();
    return lease && (**lease).Query("SELECT 1", {}).has_value();
  }

  Result<void> ExecScript(std::string_view sql) override {
    auto lease = Acquire();
    if (!lease) return lease.error();
    return (**lease).ExecScript(sql);
  }

  void OnCommit(std::function<void()> listener) override {
    std::lock_guard lock(listeners_mu_);
    auto next = std::make_shared<std::vector<std::function<void()>>>(listeners_ ? *listeners_
                                                                                 : std::vector<std::function<void()>>{});
    next->push_back(std::move(listener));
    listeners_ = std::move(next);
  }

  Result<void> RunTx(TxMode mode, const std::function<Result<void>(Tx&)>& fn) override {
    auto lease = Acquire();
    if (!lease) return lease.error();
    Connection& c = **lease;
    if (auto r = Begin(c, mode); !r) return r.error();
    SqliteTx tx(c);
    Result<void> result = Ok();
    try {
      result = fn(tx);
    } catch (...) {
      Rollback(c);
      throw;
    }
    if (!result) {
      Rollback(c);
      return result;
    }
    if (mode == TxMode::kWrite) {
      if (auto fp = failpoint::Hit("db.before_commit"); !fp) {
        Rollback(c);
        return fp.error();
      }
    }
    if (auto r = c.Exec("COMMIT"); !r) {
      Rollback(c);
      return r.error();
    }
    if (mode == TxMode::kRead) return Ok();
    lease->Release();  // listeners may start transactions of their own
    NotifyCommitted();
    // Committed, yet the caller is told it failed (or the process dies): the ambiguity a client
    // of any database must survive.
    return failpoint::Hit("db.after_commit");
  }

  Result<Lease> Acquire() {
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

  void Return(std::unique_ptr<Connection> c) {
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

 private:
  static Result<void> Begin(Connection& c, TxMode mode) {
    if (mode == TxMode::kRead) {
      if (auto r = c.Exec("BEGIN"); !r) return r.error();
      return Ok();
    }
    // busy_timeout already waits inside SQLite; the loop covers the cases where SQLite gives up
    // early (e.g. a lock held across a checkpoint).
    const auto deadline = std::chrono::steady_clock::now() + kWriteLockWait;
    auto backoff = std::chrono::milliseconds(1);
    for (;;) {
      auto r = c.Exec("BEGIN IMMEDIATE");
      if (r) return Ok();
      if (r.error().code != Errc::kUnavailable) return r.error();
      if (std::chrono::steady_clock::now() + backoff >= deadline) {
        return Error::Unavailable("database is busy: write lock not acquired within 5 s");
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, std::chrono::milliseconds(100));
    }
  }

  static void Rollback(Connection& c) {
    if (c.InTransaction()) (void)c.Exec("ROLLBACK");
  }

  void NotifyCommitted() {
    std::shared_ptr<const std::vector<std::function<void()>>> snapshot;
    {
      std::lock_guard lock(listeners_mu_);
      snapshot = listeners_;
    }
    if (!snapshot) return;
    for (const auto& l : *snapshot) l();
  }

  const std::string path_;
  const int max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Connection>> idle_;
  int total_;
  std::mutex listeners_mu_;
  std::shared_ptr<const std::vector<std::function<void()>>> listeners_;
};

Lease::~Lease() { Release(); }

void Lease::Release() {
  if (c_) pool_->Return(std::move(c_));
}

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  auto first = Connection::Open(path);
  if (!first) return first.error();
  const int max = path == ":memory:" ? 1 : kMaxConnections;
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(path, max, std::move(*first)));
}

}  // namespace shop::db::detail
