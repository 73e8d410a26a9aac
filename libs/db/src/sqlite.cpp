// The SQLite driver: transactions over the connection pool, commit failpoints and listeners.
//
// Why BEGIN IMMEDIATE for writes: a deferred transaction that reads first and writes later can fail
// with SQLITE_BUSY_SNAPSHOT in WAL mode without invoking the busy handler; taking the write lock
// up front serialises writers cleanly (and makes the outbox seq order equal the commit order).
#include "sqlite.hpp"

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "shop/failpoint/failpoint.hpp"
#include "sqlite_pool.hpp"

namespace shop::db::detail {
namespace {

constexpr int kMaxConnections = 8;

// The transactions open on this thread, to refuse nesting that would deadlock: on ":memory:" any
// nested transaction waits for the one connection this thread holds; elsewhere a nested write waits
// for the write lock this thread holds. (A Read inside a Write on a file database is fine.)
struct OpenTx {
  const void* db;
  TxMode mode;
};
thread_local std::vector<OpenTx> t_open;

class OpenTxGuard {
 public:
  OpenTxGuard(const void* db, TxMode mode) { t_open.push_back({db, mode}); }
  ~OpenTxGuard() { t_open.pop_back(); }
  OpenTxGuard(const OpenTxGuard&) = delete;
  OpenTxGuard& operator=(const OpenTxGuard&) = delete;
};

bool WouldDeadlock(const void* db, TxMode mode, bool single_connection) {
  for (const auto& t : t_open) {
    if (t.db != db) continue;
    if (single_connection || (mode == TxMode::kWrite && t.mode == TxMode::kWrite)) return true;
  }
  return false;
}
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

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, int max_connections, std::unique_ptr<Connection> first)
      : pool_(std::move(path), max_connections, std::move(first)) {}

  Dialect dialect() const override { return Dialect::kSqlite; }

  bool Ping() override {
    // This thread holds the only connection: the database is evidently answering.
    if (WouldDeadlock(this, TxMode::kRead, pool_.max_connections() == 1)) return true;
    auto lease = pool_.Acquire();
    return lease && (**lease).Query("SELECT 1", {}).has_value();
  }

  Result<void> ExecScript(std::string_view sql) override {
    if (WouldDeadlock(this, TxMode::kWrite, pool_.max_connections() == 1)) {
      return Error::Internal("ExecScript inside a transaction on the same database and thread would deadlock");
    }
    auto lease = pool_.Acquire();
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
    if (WouldDeadlock(this, mode, pool_.max_connections() == 1)) {
      return Error::Internal("nested transaction on the same database and thread would deadlock");
    }
    auto lease = pool_.Acquire();
    if (!lease) return lease.error();
    Connection& c = **lease;
    if (auto r = Begin(c, mode); !r) return r.error();
    SqliteTx tx(c);
    Result<void> result = Ok();
    try {
      OpenTxGuard guard(this, mode);
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

  Pool pool_;
  std::mutex listeners_mu_;
  std::shared_ptr<const std::vector<std::function<void()>>> listeners_;
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqlite(const std::string& path) {
  auto first = Connection::Open(path);
  if (!first) return first.error();
  const int max = path == ":memory:" ? 1 : kMaxConnections;
  return std::unique_ptr<Database>(std::make_unique<SqliteDatabase>(path, max, std::move(*first)));
}

}  // namespace shop::db::detail
