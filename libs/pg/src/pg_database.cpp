#include "pg_database.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <exception>
#include <optional>

#include "pg_url.hpp"
#include "shop/observability/log.hpp"
#include "shop/db/pg.hpp"
#include "shop/failpoint/failpoint.hpp"

namespace shop::db {
namespace pgdetail {
namespace {

constexpr int kDefaultPoolSize = 4;
constexpr std::chrono::milliseconds kDefaultAcquireTimeout{5000};
constexpr std::string_view kBegin = "BEGIN";

// Runs a statement that is safe to repeat; a connection that turns out to be dead (the server
// restarted, the backend was terminated while idle in the pool) is reset and the statement retried
// once.
Task<Result<std::string>> SimpleReconnectingAsync(Connection& c, std::string_view sql) {
  auto r = co_await c.SimpleAsync(sql);
  if (r || !c.Broken() || c.cancelled()) co_return r;
  if (auto reset = co_await c.ResetAsync(); !reset) co_return reset.error();
  co_return co_await c.SimpleAsync(sql);
}

Result<std::string> SimpleReconnecting(Connection& c, std::string_view sql) {
  return c.loop().Run(SimpleReconnectingAsync(c, sql));
}

// A transaction's statements, on the loop.
// Write: opens lazily, BEGIN travels in one round trip with the first statement (pipeline mode);
// a transaction that runs no statement costs nothing.
// Read: no BEGIN/COMMIT at all, each statement commits on its own. Under READ COMMITTED (the
// server default, which the driver assumes) every statement of a transaction takes a fresh
// snapshot anyway, so this is what a read transaction sees, one round trip per statement cheaper.
class LoopTx final : public AsyncTx {
 public:
  LoopTx(Connection& c, TxMode mode) : c_(c), mode_(mode) {}
  Task<Result<Rows>> Query(std::string_view sql, std::vector<Param> params) override {
    auto o = co_await Run(sql, params);
    if (!o) co_return o.error();
    co_return std::move(o->rows);
  }
  Task<Result<std::int64_t>> Exec(std::string_view sql, std::vector<Param> params) override {
    auto o = co_await Run(sql, params);
    if (!o) co_return o.error();
    co_return o->changed;
  }
  Dialect dialect() const override { return Dialect::kPostgres; }
  // Several statements without parameters, simple protocol, inside the transaction.
  Task<Result<void>> Script(std::string_view sql) {
    if (!begun_) {
      if (auto b = co_await SimpleReconnectingAsync(c_, "BEGIN"); !b) co_return b.error();
      begun_ = true;
    }
    ran_ = true;
    auto r = co_await c_.SimpleAsync(sql);
    if (!r) co_return r.error();
    co_return Ok();
  }
  // A transaction is open on the connection (BEGIN was sent): it needs COMMIT or ROLLBACK.
  bool begun() const { return begun_; }

 private:
  Task<Result<Outcome>> Run(std::string_view sql, const std::vector<Param>& params) {
    const bool open = mode_ == TxMode::kWrite && !begun_;
    std::vector<Statement> st(open ? 2 : 1);  // (no braced list in a co_await: GCC 12 rejects it)
    if (open) {
      st[0].sql = kBegin;
      st[0].prepare = false;
    }
    st.back().sql = sql;
    st.back().params = &params;
    auto r = co_await c_.PipelineAsync(st);
    if (!r && c_.Broken() && !c_.cancelled() && !ran_) {
      // Dead before anything of this transaction ran (an idle connection the server dropped):
      // nothing was committed, so reconnect and send it again, once.
      if (auto reset = co_await c_.ResetAsync(); !reset) co_return reset.error();
      r = co_await c_.PipelineAsync(st);
    }
    ran_ = true;
    if (open) begun_ = !c_.Broken() && c_.State() != TxState::kIdle;
    if (!r) co_return r.error();
    co_return std::move(r->back());
  }

  Connection& c_;
  const TxMode mode_;
  bool begun_ = false;
  bool ran_ = false;
};

// The blocking face: each statement is one trip to the loop and back.
class PgTx final : public Tx {
 public:
  PgTx(Connection& c, TxMode mode) : c_(c), on_loop_(c, mode) {}
  Result<Rows> Query(std::string_view sql, std::vector<Param> params) override {
    return c_.loop().Run(on_loop_.Query(sql, std::move(params)));
  }
  Result<std::int64_t> Exec(std::string_view sql, std::vector<Param> params) override {
    return c_.loop().Run(on_loop_.Exec(sql, std::move(params)));
  }
  Result<void> ExecScript(std::string_view sql) override { return c_.loop().Run(on_loop_.Script(sql)); }
  Dialect dialect() const override { return Dialect::kPostgres; }
  LoopTx& on_loop() { return on_loop_; }

 private:
  Connection& c_;
  LoopTx on_loop_;
};

// Write transactions open on this thread, per database. A Write nested in a Write would wait on
// row locks held by its own caller, a deadlock the server cannot see: refused, as by the SQLite
// driver. (A Read inside a Write is fine: another connection, the committed snapshot.)
thread_local std::vector<const void*> t_open_writes;

class OpenWriteGuard {
 public:
  explicit OpenWriteGuard(const void* db) { t_open_writes.push_back(db); }
  ~OpenWriteGuard() { t_open_writes.pop_back(); }
  OpenWriteGuard(const OpenWriteGuard&) = delete;
  OpenWriteGuard& operator=(const OpenWriteGuard&) = delete;
};

bool InWrite(const void* db) {
  return std::find(t_open_writes.begin(), t_open_writes.end(), db) != t_open_writes.end();
}

Task<void> RollbackAsync(Connection& c) {
  if (!c.Broken() && c.State() != TxState::kIdle) (void)co_await c.SimpleAsync("ROLLBACK");
}

// The "db.before_commit" failpoint of a write that is about to commit, evaluated by the caller
// on its own thread (a sleep there must not stall the loop of a blocking caller).
Result<void> BeforeCommit(TxMode mode, const LoopTx& tx, Result<void> result) {
  if (!result || mode != TxMode::kWrite || !tx.begun()) return result;
  return failpoint::Hit("db.before_commit");
}

// Ends a transaction whose callback returned `result`: rolls back on an error (or when the server
// already aborted it), else commits. Ok: committed, or nothing to commit.
Task<Result<void>> Finish(Connection& c, const LoopTx& tx, Result<void> result) {
  if (!result) {
    co_await RollbackAsync(c);
    co_return result;
  }
  if (!tx.begun()) co_return Ok();  // no statement ran: nothing to commit
  if (c.State() == TxState::kFailed) {
    // `fn` swallowed a statement error: PostgreSQL has aborted the transaction already.
    co_await RollbackAsync(c);
    co_return Error::Internal("transaction aborted by an earlier statement error");
  }
  auto commit = co_await c.SimpleAsync("COMMIT");
  if (!commit) {
    co_await RollbackAsync(c);
    co_return commit.error();
  }
  if (*commit != "COMMIT") co_return Error::Internal("transaction was rolled back at commit");
  co_return Ok();
}

}  // namespace

bool PgDatabase::Ping() {
  // Readiness probes want a quick answer: a pool busy for more than a second counts as not ready.
  auto lease = pool_.Acquire(std::min(pool_.acquire_timeout(), std::chrono::milliseconds(1000)));
  return lease && SimpleReconnecting(**lease, "SELECT 1").has_value();
}

Result<void> PgDatabase::ExecScript(std::string_view sql) {
  auto lease = pool_.Acquire();
  if (!lease) return lease.error();
  if (auto r = SimpleReconnecting(**lease, "SELECT 1"); !r) return r.error();
  if (auto r = (**lease).Simple(sql); !r) return r.error();
  return Ok();
}

void PgDatabase::OnCommit(std::function<void()> listener) {
  std::lock_guard lock(listeners_mu_);
  auto next = std::make_shared<std::vector<std::function<void()>>>(
      listeners_ ? *listeners_ : std::vector<std::function<void()>>{});
  next->push_back(std::move(listener));
  listeners_ = std::move(next);
}

Result<void> PgDatabase::RunTx(TxMode mode, const std::function<Result<void>(Tx&)>& fn) {
  if (mode == TxMode::kWrite && InWrite(this)) {
    return Error::Internal("nested write transaction on the same database and thread would deadlock");
  }
  auto lease = pool_.Acquire();
  if (!lease) return lease.error();
  Connection& c = **lease;
  PgTx tx(c, mode);
  Result<void> result = Ok();
  try {
    std::optional<OpenWriteGuard> guard;
    if (mode == TxMode::kWrite) guard.emplace(this);
    result = fn(tx);
  } catch (...) {
    loop_.Run(RollbackAsync(c));
    throw;
  }
  result = BeforeCommit(mode, tx.on_loop(), std::move(result));
  auto done = loop_.Run(Finish(c, tx.on_loop(), std::move(result)));
  if (!done || mode == TxMode::kRead || !tx.on_loop().begun()) return done;
  lease->Release();  // listeners may start transactions of their own
  NotifyCommitted();
  return failpoint::Hit("db.after_commit");
}

Task<Result<void>> PgDatabase::TxOnLoop(TxMode mode, AsyncTxFn fn) {
  auto lease = co_await pool_.AcquireAsync();
  if (!lease) co_return lease.error();
  Connection& c = **lease;
  LoopTx tx(c, mode);
  Result<void> result = Ok();
  std::exception_ptr thrown;
  try {
    result = co_await fn(tx);
  } catch (...) {
    thrown = std::current_exception();
  }
  if (thrown) {
    co_await RollbackAsync(c);
    std::rethrow_exception(thrown);
  }
  result = BeforeCommit(mode, tx, std::move(result));
  auto done = co_await Finish(c, tx, std::move(result));
  if (!done || mode == TxMode::kRead || !tx.begun()) co_return done;
  lease->Release();
  NotifyCommitted();
  co_return failpoint::Hit("db.after_commit");
}

namespace {
Task<void> StoreResult(Task<Result<void>> task, std::optional<Result<void>>& out) {
  out.emplace(co_await std::move(task));
}
}  // namespace

// Runs `task`, then drops `done` (on the loop, before the completion travels to the caller).
template <class Done>
Task<void> CountDone(Task<void> task, Done done) {
  co_await std::move(task);
  (void)done;
}

bool PgDatabase::WaitIdle(std::chrono::milliseconds timeout) {
  std::unique_lock lock(in_flight_mu_);
  return in_flight_cv_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
}

Task<void> OnLoop(std::function<void()> fn) {
  fn();
  co_return;
}

void PgDatabase::Quiesce(std::chrono::milliseconds grace) {
  if (!WaitIdle(grace)) {
    log::Warn("ending database transactions still in flight at shutdown");
    loop_.Run(OnLoop([this] { pool_.CancelLeased(); }));
    (void)WaitIdle(std::chrono::milliseconds(2000));
  }
  // The last completions leave the loop in a handler queued before this one.
  loop_.Run(OnLoop([] {}));
}

Task<Result<void>> PgDatabase::RunTxAsync(TxMode mode, AsyncTxFn fn, boost::asio::any_io_executor) {
  // The whole transaction runs on the loop; the caller resumes on its own executor.
  {
    std::lock_guard lock(in_flight_mu_);
    ++in_flight_;
  }
  struct Done {
    PgDatabase* db;
    ~Done() {
      std::lock_guard lock(db->in_flight_mu_);
      --db->in_flight_;
      db->in_flight_cv_.notify_all();
    }
  };
  std::optional<Result<void>> out;
  co_await boost::asio::co_spawn(loop_.executor(), CountDone(StoreResult(TxOnLoop(mode, std::move(fn)), out), Done{this}),
                                 boost::asio::use_awaitable);
  co_return std::move(*out);
}

void PgDatabase::NotifyCommitted() {
  std::shared_ptr<const std::vector<std::function<void()>>> snapshot;
  {
    std::lock_guard lock(listeners_mu_);
    snapshot = listeners_;
  }
  if (!snapshot) return;
  for (const auto& l : *snapshot) l();
}

}  // namespace pgdetail

bool IsPostgresUrl(std::string_view url) {
  return url.substr(0, 13) == "postgresql://" || url.substr(0, 11) == "postgres://";
}

Result<std::unique_ptr<Database>> OpenAny(std::string_view url) {
  if (IsPostgresUrl(url)) return OpenPostgres(url);
  return Open(url);
}

Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, PgOptions options) {
  auto parsed = pgdetail::ParsePgUrl(url);
  if (!parsed) return parsed.error();
  const int pool_size = options.pool_size > 0 ? options.pool_size : parsed->pool_size.value_or(pgdetail::kDefaultPoolSize);
  const auto timeout = options.acquire_timeout.count() > 0
                           ? options.acquire_timeout
                           : (parsed->acquire_timeout_ms ? std::chrono::milliseconds(*parsed->acquire_timeout_ms)
                                                         : pgdetail::kDefaultAcquireTimeout);
  // Defaults first: the expanded URL (dbname) comes last and overrides them.
  pgdetail::ConnectParams params = {
      {"connect_timeout", "5"},   {"keepalives", "1"},         {"keepalives_idle", "30"},
      {"keepalives_interval", "10"}, {"keepalives_count", "3"}, {"tcp_user_timeout", "30000"},
      {"application_name", "shop"},
      {"dbname", parsed->libpq_url},
  };
  auto db = std::make_unique<pgdetail::PgDatabase>(std::move(params), pool_size, timeout);
  // The first connection eagerly: an unreachable server fails here.
  if (auto first = db->pool().Acquire(); !first) return first.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace shop::db
