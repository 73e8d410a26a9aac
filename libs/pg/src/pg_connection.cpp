#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <variant>

#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::db::pgdetail {
namespace {

// Above this many distinct SQL texts on one connection, new texts run unprepared (PQexecParams)
// so that generated SQL cannot grow the server-side statement list without bound.
constexpr std::size_t kMaxCachedStatements = 512;

// Type OIDs from pg_type.h (stable across releases).
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Maps a failed command to an Error; never includes SQL text or parameter values.
Error ToError(PGconn* conn, const PGresult* r) {
  const char* state_p = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
  const std::string state = state_p ? state_p : "";
  // 08P01 (protocol violation, e.g. a wrong parameter count) leaves the connection usable.
  if (PQstatus(conn) == CONNECTION_BAD || (StartsWith(state, "08") && state != "08P01") || StartsWith(state, "57P")) {
    return Error::Unavailable("database connection lost");
  }
  const char* constraint_p = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : nullptr;
  const std::string constraint = constraint_p ? constraint_p : "";
  if (state == "23505") return Error::Conflict("unique constraint violated: " + constraint);
  if (state == "23503") return Error::Conflict("foreign key constraint violated: " + constraint);
  if (state == "40001" || state == "40P01") {
    return Error::Unavailable(std::string("transaction aborted (") +
                              (state == "40001" ? "serialization failure" : "deadlock") + "), retry it");
  }
  if (state == "55P03") return Error::Unavailable("database lock not available");
  if (state == "57014") return Error::Unavailable("database statement cancelled (timeout)");
  if (StartsWith(state, "53")) return Error::Unavailable("database out of resources (SQLSTATE " + state + ")");
  // Data exceptions (class 22) echo the offending value: keep them out of the log too.
  if (!StartsWith(state, "22")) {
    const char* msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : PQerrorMessage(conn);
    log::Warn("database error", {{"sqlstate", std::string_view(state)}, {"message", std::string_view(msg ? msg : "")}});
  }
  return Error::Internal("database error (SQLSTATE " + (state.empty() ? std::string("none") : state) + ")");
}

std::string ParamText(const Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[64];
    const auto [p, ec] = std::to_chars(buf, buf + sizeof buf, *d);
    return ec == std::errc{} ? std::string(buf, p) : std::string("NaN");
  }
  return {};
}

Value ColumnValue(const PGresult* r, int row, int col, Oid type) {
  if (PQgetisnull(r, row, col)) return nullptr;
  const char* v = PQgetvalue(r, row, col);
  const auto len = static_cast<std::size_t>(PQgetlength(r, row, col));
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      std::int64_t out = 0;
      std::from_chars(v, v + len, out);
      return out;
    }
    case kFloat4Oid:
    case kFloat8Oid:
      return std::strtod(v, nullptr);  // also "NaN", "Infinity", "-Infinity"
    case kBoolOid:
      return static_cast<std::int64_t>(len > 0 && v[0] == 't' ? 1 : 0);
    default:
      return std::string(v, len);
  }
}

Rows ToRows(const PGresult* r) {
  const int n = PQntuples(r);
  const int m = PQnfields(r);
  std::vector<Oid> types(static_cast<std::size_t>(m));
  for (int c = 0; c < m; ++c) types[static_cast<std::size_t>(c)] = PQftype(r, c);
  Rows rows;
  rows.reserve(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    std::vector<Value> cols;
    cols.reserve(static_cast<std::size_t>(m));
    for (int c = 0; c < m; ++c) cols.push_back(ColumnValue(r, i, c, types[static_cast<std::size_t>(c)]));
    rows.emplace_back(std::move(cols));
  }
  return rows;
}

// Server notices (e.g. "relation already exists, skipping") go to the debug log, not stderr.
void OnNotice(void*, const PGresult* r) {
  if (!log::Enabled(log::Level::kDebug)) return;
  const char* msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  log::Debug("database notice", {{"message", std::string_view(msg ? msg : "")}});
}

bool Succeeded(const PGresult* r) {
  const auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

}  // namespace

struct Connection::Outcome {
  ResultPtr result;
};

Result<std::unique_ptr<Connection>> Connection::Open(const ConnectParams& params) {
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (c == nullptr) return Error::Unavailable("cannot connect to postgresql: out of memory");
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = Trim(PQerrorMessage(c));
    PQfinish(c);
    return Error::Unavailable("cannot connect to postgresql: " + msg);
  }
  PQsetNoticeReceiver(c, OnNotice, nullptr);
  return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { PQfinish(conn_); }

bool Connection::Broken() const { return PQstatus(conn_) == CONNECTION_BAD; }

Result<void> Connection::Reset() {
  cache_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return Error::Unavailable("cannot reconnect to postgresql: " + Trim(PQerrorMessage(conn_)));
  }
  PQsetNoticeReceiver(conn_, OnNotice, nullptr);
  metrics::Inc("shop_db_reconnects_total", {{"driver", "postgres"}});
  log::Info("database connection re-established");
  return Ok();
}

TxState Connection::State() const {
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_IDLE:
      return TxState::kIdle;
    case PQTRANS_INTRANS:
      return TxState::kInTransaction;
    case PQTRANS_INERROR:
      return TxState::kFailed;
    default:
      return TxState::kUnknown;
  }
}

Result<Connection::Outcome> Connection::Run(std::string_view sql, const std::vector<Param>& params) {
  if (Broken()) return Error::Unavailable("database connection lost");
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (std::size_t i = 0; i < params.size(); ++i) {
    const Value& v = params[i].v;
    if (std::holds_alternative<std::nullptr_t>(v)) continue;
    if (const auto* s = std::get_if<std::string>(&v)) {
      values[i] = s->c_str();
    } else {
      texts[i] = ParamText(v);
      values[i] = texts[i].c_str();
    }
  }
  const int n = static_cast<int>(params.size());
  std::string key(sql);
  auto it = cache_.find(key);
  if (it == cache_.end() && cache_.size() >= kMaxCachedStatements) {
    ResultPtr r(PQexecParams(conn_, key.c_str(), n, nullptr, values.data(), nullptr, nullptr, 0));
    if (!r || !Succeeded(r.get())) return ToError(conn_, r.get());
    return Outcome{std::move(r)};
  }
  if (it == cache_.end()) {
    std::string name = "shop_" + std::to_string(++next_statement_);
    ResultPtr prep(PQprepare(conn_, name.c_str(), key.c_str(), 0, nullptr));
    if (!prep || !Succeeded(prep.get())) return ToError(conn_, prep.get());
    it = cache_.emplace(std::move(key), std::move(name)).first;
  }
  ResultPtr r(PQexecPrepared(conn_, it->second.c_str(), n, values.data(), nullptr, nullptr, 0));
  if (!r) return ToError(conn_, nullptr);
  if (PQresultStatus(r.get()) == PGRES_EMPTY_QUERY) return Error::Internal("empty sql statement");
  if (!Succeeded(r.get())) {
    // "cached plan must not change result type" after a schema change: prepare afresh next time.
    const char* state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (state != nullptr && std::strcmp(state, "0A000") == 0) {
      ResultPtr(PQexec(conn_, ("DEALLOCATE " + it->second).c_str()));
      cache_.erase(it);
    }
    return ToError(conn_, r.get());
  }
  return Outcome{std::move(r)};
}

Result<Rows> Connection::Query(std::string_view sql, const std::vector<Param>& params) {
  auto out = Run(sql, params);
  if (!out) return out.error();
  return ToRows(out->result.get());
}

Result<std::int64_t> Connection::Exec(std::string_view sql, const std::vector<Param>& params) {
  auto out = Run(sql, params);
  if (!out) return out.error();
  const char* tuples = PQcmdTuples(out->result.get());
  std::int64_t n = 0;
  if (tuples != nullptr) std::from_chars(tuples, tuples + std::strlen(tuples), n);
  return n;
}

Result<std::string> Connection::Simple(std::string_view sql) {
  if (Broken()) return Error::Unavailable("database connection lost");
  const std::string text(sql);
  ResultPtr r(PQexec(conn_, text.c_str()));
  if (!r) return ToError(conn_, nullptr);
  if (PQresultStatus(r.get()) == PGRES_EMPTY_QUERY) return std::string();
  if (!Succeeded(r.get())) return ToError(conn_, r.get());
  return std::string(PQcmdStatus(r.get()));
}

}  // namespace shop::db::pgdetail
