// The database layer: one interface, two drivers (SQLite for the embedded shape; PostgreSQL for the
// distributed one). Repositories write portable SQL with PostgreSQL-style `$1` placeholders and
// integer timestamps; the SQLite driver rewrites `$N` to `?N`.
//
// Threading: a Database is shared; each transaction runs on the calling (worker) thread with a
// pooled connection it holds exclusively until the transaction ends. Never call from an I/O thread.
//
// A coroutine face (RunTxAsync, ReadAsync, WriteAsync) serves callers that must not block, such as
// handlers on an I/O thread: a driver with an asynchronous client (PostgreSQL) runs the transaction
// on its own event loop; the others (SQLite) run it whole on the worker pool the caller names.
//
// Errors: unique/foreign-key violations -> kConflict; busy/locked/unreachable -> kUnavailable;
// anything else -> kInternal. The SQL text is never put in an error detail sent to clients.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "shop/async/task.hpp"
#include "shop/core/error.hpp"

namespace shop::db {

using Value = std::variant<std::nullptr_t, std::int64_t, double, std::string>;

// A bound parameter. Converts from the usual C++ types; std::optional<T> binds NULL when empty.
struct Param {
  Value v;
  Param(std::nullptr_t) : v(nullptr) {}
  Param(bool b) : v(static_cast<std::int64_t>(b ? 1 : 0)) {}
  Param(int i) : v(static_cast<std::int64_t>(i)) {}
  Param(long i) : v(static_cast<std::int64_t>(i)) {}
  Param(long long i) : v(static_cast<std::int64_t>(i)) {}
  Param(unsigned i) : v(static_cast<std::int64_t>(i)) {}
  Param(unsigned long i) : v(static_cast<std::int64_t>(i)) {}
  Param(double d) : v(d) {}
  Param(const char* s) : v(std::string(s)) {}
  Param(std::string s) : v(std::move(s)) {}
  Param(std::string_view s) : v(std::string(s)) {}
  template <class T>
  Param(const std::optional<T>& o) : v(nullptr) {
    if (o) v = Param(*o).v;
  }
};

class Row {
 public:
  explicit Row(std::vector<Value> cols) : cols_(std::move(cols)) {}
  std::size_t size() const { return cols_.size(); }
  bool IsNull(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(cols_.at(i)); }
  std::int64_t Int(std::size_t i) const;         // NULL -> 0
  double Real(std::size_t i) const;
  std::string Text(std::size_t i) const;          // NULL -> ""
  bool Bool(std::size_t i) const { return Int(i) != 0; }
  std::optional<std::string> OptText(std::size_t i) const;
  std::optional<std::int64_t> OptInt(std::size_t i) const;
  const Value& at(std::size_t i) const { return cols_.at(i); }

 private:
  std::vector<Value> cols_;
};

using Rows = std::vector<Row>;

enum class Dialect { kSqlite, kPostgres };

// A transaction (or a read snapshot). Only valid inside Database::Read/Write callbacks.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual Result<Rows> Query(std::string_view sql, std::vector<Param> params = {}) = 0;
  // Returns the number of rows changed.
  virtual Result<std::int64_t> Exec(std::string_view sql, std::vector<Param> params = {}) = 0;
  virtual Dialect dialect() const = 0;

  // First row or nullopt.
  Result<std::optional<Row>> QueryOne(std::string_view sql, std::vector<Param> params = {});

  // Runs several `;`-separated statements without parameters inside this transaction (migrations).
  // The script must not contain transaction control (BEGIN/COMMIT). The default splits the text
  // outside quotes and comments and calls Exec for each statement; drivers may override.
  virtual Result<void> ExecScript(std::string_view sql);
};

// The coroutine twin of Tx, for Database::RunTxAsync. Only valid inside its callback; the
// statements of one transaction are awaited one after the other. (GCC 12 rejects a braced list
// inside a co_await expression: build the parameter vector in a local first.)
class AsyncTx {
 public:
  virtual ~AsyncTx() = default;
  virtual Task<Result<Rows>> Query(std::string_view sql, std::vector<Param> params = {}) = 0;
  virtual Task<Result<std::int64_t>> Exec(std::string_view sql, std::vector<Param> params = {}) = 0;
  virtual Dialect dialect() const = 0;
  Task<Result<std::optional<Row>>> QueryOne(std::string_view sql, std::vector<Param> params = {});
};

enum class TxMode { kRead, kWrite };

using AsyncTxFn = std::function<Task<Result<void>>(AsyncTx&)>;

class Database {
 public:
  virtual ~Database() = default;
  virtual Dialect dialect() const = 0;
  // True if the database answers a trivial query now (readiness).
  virtual bool Ping() = 0;
  // Runs a script of statements outside any transaction bookkeeping (migrations).
  virtual Result<void> ExecScript(std::string_view sql) = 0;
  // Called after every committed write transaction (the outbox relay wakes up on it).
  virtual void OnCommit(std::function<void()> listener) = 0;

  // Runs `fn` in a transaction: kWrite takes the write lock up front (BEGIN IMMEDIATE on SQLite).
  // kRead is for statements that change nothing: one snapshot on SQLite; on PostgreSQL (READ
  // COMMITTED) each statement sees what has committed when it starts, as inside any transaction
  // there, and the driver skips BEGIN/COMMIT. Never lock rows in a kRead.
  // Commits when `fn` returns ok, rolls back when it returns an error or throws. The failpoints
  // "db.before_commit" and "db.after_commit" sit on the commit path.
  virtual Result<void> RunTx(TxMode mode, const std::function<Result<void>(Tx&)>& fn) = 0;

  // The coroutine face of RunTx: the awaiting coroutine is never blocked and resumes on its own
  // executor. Drivers with an asynchronous client override it and run the transaction on their
  // event loop (`blocking` unused); the default runs the whole transaction on `blocking` (a worker
  // pool) with the blocking face, `fn`'s statements completing at once. The same commit and
  // rollback rules, failpoints and OnCommit listeners as RunTx.
  virtual Task<Result<void>> RunTxAsync(TxMode mode, AsyncTxFn fn, boost::asio::any_io_executor blocking);
  // True when RunTxAsync is served by an event loop rather than by the `blocking` pool.
  virtual bool native_async() const { return false; }
  // Shutdown, after the worker pools have been joined and before the I/O threads' executors go:
  // waits up to `grace` for coroutine transactions still in flight, then ends them (their
  // statements fail with kUnavailable, nothing commits), so that none completes into a destroyed
  // executor. A no-op for drivers without an event loop.
  virtual void Quiesce(std::chrono::milliseconds grace) { (void)grace; }

  template <class T>
  Task<Result<T>> ReadAsync(std::function<Task<Result<T>>(AsyncTx&)> fn, boost::asio::any_io_executor blocking) {
    return RunAsync<T>(TxMode::kRead, std::move(fn), std::move(blocking));
  }
  template <class T>
  Task<Result<T>> WriteAsync(std::function<Task<Result<T>>(AsyncTx&)> fn, boost::asio::any_io_executor blocking) {
    return RunAsync<T>(TxMode::kWrite, std::move(fn), std::move(blocking));
  }

  template <class F>
  auto Write(F&& fn) -> std::invoke_result_t<F, Tx&> {
    return Run(TxMode::kWrite, std::forward<F>(fn));
  }
  template <class F>
  auto Read(F&& fn) -> std::invoke_result_t<F, Tx&> {
    return Run(TxMode::kRead, std::forward<F>(fn));
  }

 private:
  template <class F>
  auto Run(TxMode mode, F&& fn) -> std::invoke_result_t<F, Tx&> {
    using R = std::invoke_result_t<F, Tx&>;
    std::optional<R> out;
    auto st = RunTx(mode, [&](Tx& tx) -> Result<void> {
      out.emplace(fn(tx));
      if (out->has_error()) return out->error();
      return {};
    });
    if (!st) return st.error();
    return std::move(*out);
  }

  template <class T>
  Task<Result<T>> RunAsync(TxMode mode, std::function<Task<Result<T>>(AsyncTx&)> fn,
                           boost::asio::any_io_executor blocking) {
    std::optional<Result<T>> out;
    auto st = co_await RunTxAsync(
        mode,
        [&out, &fn](AsyncTx& tx) -> Task<Result<void>> {
          out.emplace(co_await fn(tx));
          if (out->has_error()) co_return out->error();
          co_return Result<void>{};
        },
        std::move(blocking));
    if (!st) co_return st.error();
    co_return std::move(*out);
  }
};

// Opens a database from a URL: "sqlite:///abs/path.db", "sqlite://relative.db", "sqlite::memory:".
// SQLite: a lazily grown pool of up to 8 connections (WAL, synchronous=NORMAL, foreign_keys=ON,
// busy_timeout=5000), each with its own prepared-statement cache; ":memory:" uses ONE shared
// connection, so a transaction there blocks every other one (do not nest Read/Write calls on it).
// A write transaction waits up to ~5 s for the write lock, then fails with kUnavailable.
// The first connection is opened eagerly: a bad path fails here with kUnavailable; an unsupported
// URL scheme fails with kInvalid.
// (postgresql:// URLs are served by the PostgreSQL driver of the distributed shape.)
Result<std::unique_ptr<Database>> Open(std::string_view url);

}  // namespace shop::db
