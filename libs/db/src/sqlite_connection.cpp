#include "sqlite_connection.hpp"

#include <sqlite3.h>

#include <cstring>

#include "shop/observability/log.hpp"
#include "sql_text.hpp"

namespace shop::db::detail {
namespace {

constexpr std::size_t kMaxCachedStatements = 512;

constexpr const char* kPragmas =
    "PRAGMA busy_timeout=5000;"
    "PRAGMA journal_mode=WAL;"
    "PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;"
    "PRAGMA cache_size=-16000;"
    "PRAGMA temp_store=MEMORY;";

bool OnlyTrailingNoise(const char* tail) {
  if (tail == nullptr) return true;
  for (const char* p = tail; *p != '\0'; ++p) {
    if (*p != ';' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return false;
  }
  return true;
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<std::int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_NULL:
      return nullptr;
    default: {
      const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return std::string(p ? p : "", static_cast<std::size_t>(sqlite3_column_bytes(stmt, i)));
    }
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path) {
  sqlite3* db = nullptr;
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Error::Unavailable("cannot open sqlite database: " + msg);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  rc = sqlite3_exec(db, kPragmas, nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    sqlite3_close_v2(db);
    return Error::Unavailable("cannot configure sqlite database: " + msg);
  }
  return std::unique_ptr<Connection>(new Connection(db));
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

bool Connection::InTransaction() const { return sqlite3_get_autocommit(db_) == 0; }

Error Connection::LastError(int rc, std::string_view sql, bool with_message) const {
  const int ext = sqlite3_extended_errcode(db_);
  const char* msg = sqlite3_errmsg(db_);
  switch (ext) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      // The message names the constraint ("UNIQUE constraint failed: users.email"), not the SQL.
      return Error::Conflict(msg);
    default:
      break;
  }
  const int primary = (ext != 0 ? ext : rc) & 0xff;
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) return Error::Unavailable("database is busy");
  log::Warn("sqlite error", {{"code", static_cast<std::int64_t>(ext)}, {"error", std::string_view(msg)}, {"sql", sql}});
  return Error::Internal(std::string("database error: ") + (with_message ? msg : sqlite3_errstr(ext != 0 ? ext : rc)));
}

Result<sqlite3_stmt*> Connection::Prepare(std::string_view sql) {
  if (auto it = cache_.find(sql); it != cache_.end()) return it->second;
  if (cache_.size() >= kMaxCachedStatements) {
    for (auto& [text, stmt] : cache_) sqlite3_finalize(stmt);
    cache_.clear();
  }
  const std::string rewritten = RewriteDollarParams(sql);
  sqlite3_stmt* stmt = nullptr;
  const char* tail = nullptr;
  const int rc = sqlite3_prepare_v3(db_, rewritten.c_str(), static_cast<int>(rewritten.size() + 1),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
  if (rc != SQLITE_OK) return LastError(rc, sql);
  if (stmt == nullptr) return Error::Internal("empty sql statement");
  if (!OnlyTrailingNoise(tail)) {
    sqlite3_finalize(stmt);
    return Error::Internal("several sql statements in one call (use ExecScript)");
  }
  cache_.emplace(std::string(sql), stmt);
  return stmt;
}

Result<void> Connection::Run(sqlite3_stmt* stmt, const std::vector<Param>& params, Rows* out) {
  struct Reset {
    sqlite3_stmt* s;
    ~Reset() {
      sqlite3_reset(s);
      sqlite3_clear_bindings(s);
    }
  } reset{stmt};
  const int expected = sqlite3_bind_parameter_count(stmt);
  if (expected != static_cast<int>(params.size())) {
    return Error::Internal("sql statement expects " + std::to_string(expected) + " parameters, got " +
                           std::to_string(params.size()));
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    const int idx = static_cast<int>(i + 1);
    int rc = SQLITE_OK;
    const auto& v = params[i].v;
    if (const auto* n = std::get_if<std::int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, idx, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, idx, *d);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      // SQLITE_STATIC: `params` outlives every step of this call.
      rc = sqlite3_bind_text64(stmt, idx, s->data(), s->size(), SQLITE_STATIC, SQLITE_UTF8);
    } else {
      rc = sqlite3_bind_null(stmt, idx);
    }
    if (rc != SQLITE_OK) return LastError(rc, sqlite3_sql(stmt));
  }
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) return Ok();
    if (rc != SQLITE_ROW) return LastError(rc, sqlite3_sql(stmt));
    if (out == nullptr) continue;
    const int n = sqlite3_column_count(stmt);
    std::vector<Value> cols;
    cols.reserve(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) cols.push_back(ColumnValue(stmt, i));
    out->emplace_back(std::move(cols));
  }
}

Result<Rows> Connection::Query(std::string_view sql, const std::vector<Param>& params) {
  auto stmt = Prepare(sql);
  if (!stmt) return stmt.error();
  Rows rows;
  if (auto r = Run(*stmt, params, &rows); !r) return r.error();
  return rows;
}

Result<std::int64_t> Connection::Exec(std::string_view sql, const std::vector<Param>& params) {
  auto stmt = Prepare(sql);
  if (!stmt) return stmt.error();
  if (auto r = Run(*stmt, params, nullptr); !r) return r.error();
  return static_cast<std::int64_t>(sqlite3_changes64(db_));
}

Result<void> Connection::ExecScript(std::string_view sql) {
  const std::string text(sql);
  char* err = nullptr;
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  sqlite3_free(err);  // sqlite3_errmsg still holds the message for LastError
  if (rc != SQLITE_OK) return LastError(rc, "(script)", true);
  return Ok();
}

}  // namespace shop::db::detail
