#include "pg_database.hpp"

#include <algorithm>
#include <optional>

#include "pg_url.hpp"
#include "shop/db/pg.hpp"
#include "shop/failpoint/failpoint.hpp"

namespace shop::db {
namespace pgdetail {
namespace {

constexpr int kDefaultPoolSize = 4;
constexpr std::chrono::milliseconds kDefaultAcquireTimeout{5000};

class PgTx final : public Tx {
 public:
  explicit PgTx(Connection& c) : c_(c) {}
  Result<Rows> Query(std::string_view sql, std::vector<Param> params) override { return c_.Query(sql, params); }
  Result<std::int64_t> Exec(std::string_view sql, std::vector<Param> params) override {
    return c_.Exec(sql, params);
  }
  // One simple-protocol round trip; runs inside the open transaction.
  Result<void> ExecScript(std::string_view sql) override {
    auto r = c_.Simple(sql);
    if (!r) return r.error();
    return Ok();
  }
  Dialect dialect() const override { return Dialect::kPostgres; }

 private:
  Connection& c_;
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

// Runs a statement that is safe to repeat; a connection that turns out to be dead (the server
// restarted, the backend was terminated while idle in the pool) is reset and the statement retried
// once.
Result<std::string> SimpleReconnecting(Connection& c, std::string_view sql) {
  auto r = c.Simple(sql);
  if (r || !c.Broken()) return r;
  if (auto reset = c.Reset(); !reset) return reset.error();
  return c.Simple(sql);
}

void Rollback(Connection& c) {
  if (!c.Broken() && c.State() != TxState::kIdle) (void)c.Simple("ROLLBACK");
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
  if (auto r = SimpleReconnecting(c, "BEGIN"); !r) return r.error();
  PgTx tx(c);
  Result<void> result = Ok();
  try {
    std::optional<OpenWriteGuard> guard;
    if (mode == TxMode::kWrite) guard.emplace(this);
    result = fn(tx);
  } catch (...) {
    Rollback(c);
    throw;
  }
  if (!result) {
    Rollback(c);
    return result;
  }
  if (c.State() == TxState::kFailed) {
    // `fn` swallowed a statement error: PostgreSQL has aborted the transaction already.
    Rollback(c);
    return Error::Internal("transaction aborted by an earlier statement error");
  }
  if (mode == TxMode::kWrite) {
    if (auto fp = failpoint::Hit("db.before_commit"); !fp) {
      Rollback(c);
      return fp.error();
    }
  }
  auto commit = c.Simple("COMMIT");
  if (!commit) {
    Rollback(c);
    return commit.error();
  }
  if (*commit != "COMMIT") return Error::Internal("transaction was rolled back at commit");
  if (mode == TxMode::kRead) return Ok();
  lease->Release();  // listeners may start transactions of their own
  NotifyCommitted();
  return failpoint::Hit("db.after_commit");
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
  auto first = pgdetail::Connection::Open(params);
  if (!first) return first.error();
  return std::unique_ptr<Database>(
      std::make_unique<pgdetail::PgDatabase>(std::move(params), pool_size, timeout, std::move(*first)));
}

}  // namespace shop::db
