#include "pg_connection.hpp"

#include <libpq-fe.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <charconv>
#include <chrono>
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

Error Lost() { return Error::Unavailable("database connection lost"); }

// The connect_timeout libpq resolved for this connection (URL or defaults), in seconds; 0: none.
int ConnectTimeoutSeconds(PGconn* c) {
  int seconds = 0;
  if (PQconninfoOption* opts = PQconninfo(c)) {
    for (PQconninfoOption* o = opts; o->keyword != nullptr; ++o) {
      if (std::strcmp(o->keyword, "connect_timeout") == 0 && o->val != nullptr) seconds = std::atoi(o->val);
    }
    PQconninfoFree(opts);
  }
  return seconds;
}

// Parameter values as libpq wants them: text, NULL as a null pointer. Built on the loop thread
// right before sending; the pointers stay valid until the round trip's results are read.
struct ParamTexts {
  std::vector<std::string> texts;
  std::vector<const char*> values;
  explicit ParamTexts(const std::vector<Param>* params) {
    if (params == nullptr) return;
    texts.resize(params->size());
    values.assign(params->size(), nullptr);
    for (std::size_t i = 0; i < params->size(); ++i) {
      const Value& v = (*params)[i].v;
      if (std::holds_alternative<std::nullptr_t>(v)) continue;
      if (const auto* s = std::get_if<std::string>(&v)) {
        values[i] = s->c_str();
      } else {
        texts[i] = ParamText(v);
        values[i] = texts[i].c_str();
      }
    }
  }
  int size() const { return static_cast<int>(values.size()); }
  const char* const* data() const { return values.empty() ? nullptr : values.data(); }
};

bool Succeeded(const PGresult* r) {
  const auto s = PQresultStatus(r);
  return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
}

}  // namespace


namespace asio = boost::asio;
using asio::posix::stream_descriptor;

struct Connection::Raw {
  ResultPtr result;  // null: the end of one statement's results
};

Connection::Connection(Loop& loop, ConnectParams params, PGconn* c)
    : loop_(loop), params_(std::move(params)), conn_(c) {}

Task<Result<PGconn*>> Connection::Connect(Loop& loop, const ConnectParams& params) {
  using namespace asio::experimental::awaitable_operators;
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : params) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* c = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (c == nullptr) co_return Error::Unavailable("cannot connect to postgresql: out of memory");
  auto fail = [c](std::string why) {
    std::string msg = why.empty() ? Trim(PQerrorMessage(c)) : std::move(why);
    PQfinish(c);
    return Error::Unavailable("cannot connect to postgresql: " + msg);
  };
  if (PQstatus(c) == CONNECTION_BAD) co_return fail({});
  const int timeout_s = ConnectTimeoutSeconds(c);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s > 0 ? timeout_s : 3600);
  // libpq's state machine: wait for what PQconnectPoll asks for, then call it again. The socket
  // can change between calls (another address, SSL retry): register it afresh each time and
  // deregister before libpq may close it.
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  while (st != PGRES_POLLING_OK) {
    if (st == PGRES_POLLING_FAILED) co_return fail({});
    stream_descriptor sd(loop.executor(), PQsocket(c));
    asio::steady_timer timer(loop.executor(), deadline);
    auto which = st == PGRES_POLLING_READING ? stream_descriptor::wait_read : stream_descriptor::wait_write;
    auto done = co_await (sd.async_wait(which, asio::as_tuple(asio::use_awaitable)) ||
                          timer.async_wait(asio::as_tuple(asio::use_awaitable)));
    sd.release();
    if (done.index() == 1) co_return fail("timeout expired");
    st = PQconnectPoll(c);
  }
  if (PQsetnonblocking(c, 1) != 0) co_return fail("cannot make the connection nonblocking");
  PQsetNoticeReceiver(c, OnNotice, nullptr);
  co_return c;
}

Task<Result<std::unique_ptr<Connection>>> Connection::OpenAsync(Loop& loop, ConnectParams params) {
  auto c = co_await Connect(loop, params);
  if (!c) co_return c.error();
  std::unique_ptr<Connection> conn(new Connection(loop, std::move(params), *c));
  conn->Attach();
  co_return conn;
}

Result<std::unique_ptr<Connection>> Connection::Open(Loop& loop, const ConnectParams& params) {
  return loop.Run(OpenAsync(loop, params));
}

namespace {
Task<void> CloseOn(std::function<void()> close) {
  close();
  co_return;
}
}  // namespace

Connection::~Connection() {
  if (loop_.InLoopThread()) {
    Close();
  } else {
    loop_.Run(CloseOn([this] { Close(); }));
  }
}

void Connection::Attach() { socket_ = std::make_unique<Descriptor>(loop_.executor(), PQsocket(conn_)); }

void Connection::Close() {
  if (socket_) {
    socket_->release();  // libpq owns the file descriptor
    socket_.reset();
  }
  if (conn_ != nullptr) PQfinish(conn_);
  conn_ = nullptr;
}

bool Connection::Broken() const { return conn_ == nullptr || cancelled_ || PQstatus(conn_) == CONNECTION_BAD; }

void Connection::Cancel() {
  cancelled_ = true;
  if (socket_) socket_->cancel();
}

Task<Result<void>> Connection::ResetAsync() {
  Close();
  cancelled_ = false;
  cache_.clear();
  stale_.clear();
  auto c = co_await Connect(loop_, params_);
  if (!c) co_return Error::Unavailable("cannot reconnect to postgresql: " + c.error().detail);
  conn_ = *c;
  Attach();
  metrics::Inc("shop_db_reconnects_total", {{"driver", "postgres"}});
  log::Info("database connection re-established");
  co_return Ok();
}

Result<void> Connection::Reset() { return loop_.Run(ResetAsync()); }

TxState Connection::State() const {
  if (conn_ == nullptr) return TxState::kUnknown;
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

Task<Result<void>> Connection::Flush() {
  for (;;) {
    const int r = PQflush(conn_);
    if (r == 0) co_return Ok();
    if (r < 0) co_return Lost();
    auto [ec] = co_await socket_->async_wait(stream_descriptor::wait_write, asio::as_tuple(asio::use_awaitable));
    if (ec || cancelled_) co_return Lost();
    // The server may be blocked writing to us while we write to it: read what it sent.
    if (PQconsumeInput(conn_) == 0) co_return Lost();
  }
}

Task<Result<Connection::Raw>> Connection::NextResult() {
  while (PQisBusy(conn_) != 0) {
    auto [ec] = co_await socket_->async_wait(stream_descriptor::wait_read, asio::as_tuple(asio::use_awaitable));
    if (ec || cancelled_ || PQconsumeInput(conn_) == 0) co_return Lost();
  }
  co_return Raw{ResultPtr(PQgetResult(conn_))};
}

namespace {

void CountRoundTrip() {
  static const metrics::Labels labels = {{"driver", "postgres"}};
  metrics::Inc("shop_db_round_trips_total", labels);
}

Outcome ToOutcome(const PGresult* r) {
  Outcome o;
  if (PQresultStatus(r) == PGRES_TUPLES_OK) o.rows = ToRows(r);
  const char* tuples = PQcmdTuples(const_cast<PGresult*>(r));
  if (tuples != nullptr) std::from_chars(tuples, tuples + std::strlen(tuples), o.changed);
  o.tag = PQcmdStatus(const_cast<PGresult*>(r));
  return o;
}

}  // namespace

Task<Result<std::vector<Outcome>>> Connection::PipelineAsync(const std::vector<Statement>& statements) {
  if (Broken()) co_return Lost();
  // What each command sent will answer, in order.
  enum class Kind { kDeallocate, kPrepare, kExecute };
  struct Sent {
    Kind kind;
    std::size_t statement = 0;
    std::string name;  // kPrepare: the statement name to remember on success
    std::string sql;
  };
  std::vector<Sent> sent;
  std::vector<ParamTexts> texts;
  texts.reserve(statements.size());
  // A desynchronised pipeline cannot be trusted: drop the connection so the pool reconnects.
  auto poison = [this]() -> Error {
    Close();
    return Lost();
  };
  if (PQenterPipelineMode(conn_) == 0) co_return poison();
  std::unordered_map<std::string, std::string> preparing;  // prepared in this round trip
  for (auto& name : stale_) {
    const std::string sql = "DEALLOCATE " + name;
    if (PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 0) co_return poison();
    sent.push_back({Kind::kDeallocate, 0, {}, {}});
  }
  stale_.clear();
  for (std::size_t i = 0; i < statements.size(); ++i) {
    const Statement& st = statements[i];
    const ParamTexts& p = texts.emplace_back(st.params);
    std::string key(st.sql);
    const std::string* name = nullptr;
    if (st.prepare) {
      if (auto it = cache_.find(key); it != cache_.end()) {
        name = &it->second;
      } else if (auto jt = preparing.find(key); jt != preparing.end()) {
        name = &jt->second;
      } else if (cache_.size() + preparing.size() < kMaxCachedStatements) {
        std::string fresh = "shop_" + std::to_string(++next_statement_);
        if (PQsendPrepare(conn_, fresh.c_str(), key.c_str(), 0, nullptr) == 0) co_return poison();
        sent.push_back({Kind::kPrepare, i, fresh, key});
        name = &preparing.emplace(key, std::move(fresh)).first->second;
      }
    }
    const int ok = name != nullptr
                       ? PQsendQueryPrepared(conn_, name->c_str(), p.size(), p.data(), nullptr, nullptr, 0)
                       : PQsendQueryParams(conn_, key.c_str(), p.size(), nullptr, p.data(), nullptr, nullptr, 0);
    if (ok == 0) co_return poison();
    sent.push_back({Kind::kExecute, i, name != nullptr ? *name : std::string(), key});
  }
  if (PQpipelineSync(conn_) == 0) co_return poison();
  CountRoundTrip();
  if (auto f = co_await Flush(); !f) co_return poison();

  std::vector<Outcome> outcomes(statements.size());
  std::optional<Error> failure;
  for (const Sent& s : sent) {
    auto first = co_await NextResult();
    if (!first || !first->result) co_return poison();
    const PGresult* r = first->result.get();
    const auto status = PQresultStatus(r);
    if (status == PGRES_PIPELINE_ABORTED) {
      // Skipped after an earlier failure, which is the error reported.
    } else if (status == PGRES_EMPTY_QUERY) {
      if (s.kind == Kind::kExecute && !failure) failure = Error::Internal("empty sql statement");
    } else if (!Succeeded(r)) {
      if (s.kind == Kind::kExecute && !s.name.empty()) {
        // "cached plan must not change result type" after a schema change: prepare afresh.
        const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
        if (state != nullptr && std::strcmp(state, "0A000") == 0 && cache_.erase(s.sql) > 0) stale_.push_back(s.name);
      }
      if (s.kind != Kind::kDeallocate && !failure) failure = ToError(conn_, r);
    } else if (s.kind == Kind::kPrepare) {
      cache_.emplace(s.sql, s.name);
    } else if (s.kind == Kind::kExecute) {
      outcomes[s.statement] = ToOutcome(r);
    }
    // Each command's results end with a null result.
    for (;;) {
      auto more = co_await NextResult();
      if (!more) co_return poison();
      if (!more->result) break;
    }
  }
  auto sync = co_await NextResult();
  if (!sync || !sync->result || PQresultStatus(sync->result.get()) != PGRES_PIPELINE_SYNC) co_return poison();
  if (PQexitPipelineMode(conn_) == 0) co_return poison();
  if (failure) co_return *failure;
  co_return outcomes;
}

Result<std::vector<Outcome>> Connection::Pipeline(const std::vector<Statement>& statements) {
  return loop_.Run(PipelineAsync(statements));
}

Result<Rows> Connection::Query(std::string_view sql, const std::vector<Param>& params) {
  auto out = Pipeline({Statement{sql, &params}});
  if (!out) return out.error();
  return std::move(out->front().rows);
}

Result<std::int64_t> Connection::Exec(std::string_view sql, const std::vector<Param>& params) {
  auto out = Pipeline({Statement{sql, &params}});
  if (!out) return out.error();
  return out->front().changed;
}

Task<Result<std::string>> Connection::SimpleAsync(std::string_view sql) {
  if (Broken()) co_return Lost();
  const std::string text(sql);
  if (PQsendQuery(conn_, text.c_str()) == 0) co_return ToError(conn_, nullptr);
  CountRoundTrip();
  if (auto f = co_await Flush(); !f) co_return f.error();
  std::optional<Error> failure;
  std::string tag;
  for (;;) {
    auto next = co_await NextResult();
    if (!next) co_return next.error();
    if (!next->result) break;
    const PGresult* r = next->result.get();
    if (PQresultStatus(r) == PGRES_EMPTY_QUERY) continue;
    if (!Succeeded(r)) {
      if (!failure) failure = ToError(conn_, r);
      continue;
    }
    tag = PQcmdStatus(const_cast<PGresult*>(r));
  }
  if (failure) co_return *failure;
  co_return tag;
}

Result<std::string> Connection::Simple(std::string_view sql) { return loop_.Run(SimpleAsync(sql)); }

}  // namespace shop::db::pgdetail
