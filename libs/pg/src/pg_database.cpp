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

// Runs a statement that is safe to repeat; a connection that turns out to be dead (the server
// restarted, the backend was terminated while idle in the pool) is reset and the statement retried
// once.
Result<std::string> SimpleReconnecting(Connection& c, std::string_view sql) {
  auto r = c.Simple(sql);
  if (r || !c.Broken()) return r;
  if (auto reset = c.Reset(); !reset) return reset.error();
  return c.Simple(sql);
}

// A transaction that opens lazily: BEGIN travels in one round trip with the first statement
// (pipeline mode), and a transaction that runs no statement costs no round trip at all.
class PgTx final : public Tx {
 public:
  explicit PgTx(Connection& c) : c_(c) {}
  Result<Rows> Query(std::string_view sql, std::vector<Param> params) override {
    auto o = Run(sql, params);
    if (!o) return o.error();
    return std::move(o->rows);
  }
  Result<std::int64_t> Exec(std::string_view sql, std::vector<Param> params) override {
    auto o = Run(sql, params);
    if (!o) return o.error();
    return o->changed;
  }
  // One simple-protocol round trip; runs inside the open transaction.
  Result<void> ExecScript(std::string_view sql) override {
    if (!begun_) {
      if (auto b = SimpleReconnecting(c_, "BEGIN"); !b) return b.error();
      begun_ = true;
    }
    auto r = c_.Simple(sql);
    if (!r) return r.error();
    return Ok();
  }
  Dialect dialect() const override { return Dialect::kPostgres; }
  bool begun() const { return begun_; }

 private:
  Result<Outcome> Run(std::string_view sql, const std::vector<Param>& params) {
    if (begun_) {
      auto r = c_.Pipeline({Statement{sql, &params}});
      if (!r) return r.error();
      return std::move(r->front());
    }
    const std::vector<Statement> first = {Statement{"BEGIN", nullptr, false}, Statement{sql, &params}};
    auto r = c_.Pipeline(first);
    if (!r && c_.Broken()) {
      // Dead before anything ran (the transaction never began, or died with its connection):
      // reconnect and send it again, once.
      if (auto reset = c_.Reset(); !reset) return reset.error();
      r = c_.Pipeline(first);
    }
    begun_ = !c_.Broken() && c_.State() != TxState::kIdle;
    if (!r) return r.error();
    return std::move(r->back());
  }

  Connection& c_;
  bool begun_ = false;
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
  if (!tx.begun()) return Ok();  // no statement ran: nothing to commit
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
  auto db = std::make_unique<pgdetail::PgDatabase>(std::move(params), pool_size, timeout);
  // The first connection eagerly: an unreachable server fails here.
  if (auto first = db->pool().Acquire(); !first) return first.error();
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace shop::db
