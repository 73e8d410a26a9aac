// One libpq connection, driven asynchronously on the database's Loop: the socket is nonblocking,
// statements go out with PQsend*, and the coroutine waits for socket readiness through Asio, so
// the loop thread never waits on the server and one loop serves every connection of the pool.
//
// Round trips: each call is one round trip. A statement seen for the first time on this connection
// is prepared and executed in ONE round trip (pipeline mode: Parse + Bind/Execute + Sync), and
// Pipeline() sends several statements the same way (a transaction's BEGIN travels with its first
// statement). After a failed statement the rest of a pipeline is skipped by the server.
//
// Two faces: the *Async coroutines run on the loop (co_await them through Loop, or from a
// coroutine already on the loop); the blocking methods wrap them for worker threads. The
// connection is used by one caller at a time (the pool hands it out exclusively).
// Private to libs/pg; libpq-fe.h stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <boost/asio/posix/stream_descriptor.hpp>

#include "pg_loop.hpp"
#include "shop/db/database.hpp"

struct pg_conn;

namespace shop::db::pgdetail {

// Connection parameters as libpq keyword/value pairs (PQconnectStartParams with expand_dbname: a
// "dbname" entry holding a URL is expanded in place, later entries override earlier ones).
using ConnectParams = std::vector<std::pair<std::string, std::string>>;

enum class TxState { kIdle, kInTransaction, kFailed, kUnknown };

// One statement of a round trip: extended protocol, $N parameters as text.
struct Statement {
  std::string_view sql;
  const std::vector<Param>* params = nullptr;  // null: no parameters
  bool prepare = true;  // false: unnamed (BEGIN, one-off SQL); true: prepared once per connection
};

// What a statement returned: rows for queries, the changed-row count and the command tag.
struct Outcome {
  Rows rows;
  std::int64_t changed = 0;
  std::string tag;  // "SELECT 1", "INSERT 0 1", "COMMIT", "ROLLBACK"...
};

class Connection {
 public:
  // kUnavailable when the server cannot be reached or refuses the connection (within the
  // connect_timeout parameter, default 5 s).
  static Result<std::unique_ptr<Connection>> Open(Loop& loop, const ConnectParams& params);
  static Task<Result<std::unique_ptr<Connection>>> OpenAsync(Loop& loop, ConnectParams params);
  ~Connection();  // closes the connection on the loop
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The socket is gone (CONNECTION_BAD): Reset() before any further use.
  bool Broken() const;
  // Reconnects with the same parameters and forgets the prepared statements.
  Result<void> Reset();
  Task<Result<void>> ResetAsync();
  TxState State() const;

  // Blocking faces (worker threads).
  Result<Rows> Query(std::string_view sql, const std::vector<Param>& params);
  Result<std::int64_t> Exec(std::string_view sql, const std::vector<Param>& params);
  // Several statements in one round trip; their outcomes in order, or the first failure.
  Result<std::vector<Outcome>> Pipeline(const std::vector<Statement>& statements);
  // Simple protocol: no parameters, several `;`-separated statements allowed. Returns the command
  // tag of the last statement ("BEGIN", "COMMIT", "ROLLBACK", "SELECT 1"...).
  Result<std::string> Simple(std::string_view sql);

  // Coroutine faces: must run on the loop's executor.
  Task<Result<std::vector<Outcome>>> PipelineAsync(const std::vector<Statement>& statements);
  Task<Result<std::string>> SimpleAsync(std::string_view sql);

  Loop& loop() { return loop_; }
  // Deregisters the socket and closes the connection; Broken() afterwards. On the loop thread,
  // never while an operation waits on the socket (its handler would be dropped, not resumed).
  void Close();
  // Ends what waits on the socket (it resumes and fails with kUnavailable) and makes the
  // connection Broken() until Reset(). On the loop thread.
  void Cancel();
  bool cancelled() const { return cancelled_; }
  std::size_t cached_statements() const { return cache_.size(); }

 private:
  using Descriptor = boost::asio::posix::stream_descriptor;
  Connection(Loop& loop, ConnectParams params, pg_conn* c);
  static Task<Result<pg_conn*>> Connect(Loop& loop, const ConnectParams& params);
  void Attach();  // registers the connected socket with the loop's reactor
  Task<Result<void>> Flush();
  Task<Result<void>> WaitReadable();
  struct Raw;
  Task<Result<Raw>> NextResult();  // the next PGresult (null at the end of a statement's results)

  Loop& loop_;
  const ConnectParams params_;
  pg_conn* conn_;
  std::unique_ptr<Descriptor> socket_;
  std::unordered_map<std::string, std::string> cache_;  // SQL text -> statement name
  std::vector<std::string> stale_;  // statement names to DEALLOCATE with the next round trip
  bool cancelled_ = false;
  std::uint64_t next_statement_ = 0;
};

}  // namespace shop::db::pgdetail
