// One SQLite connection with its prepared-statement cache (keyed by the caller's SQL text).
// Not thread-safe: the pool hands it to one thread at a time. Private to libs/db.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shop/db/database.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace shop::db::detail {

class Connection {
 public:
  // Opens `path` (or ":memory:") and applies the pragmas (WAL, synchronous=NORMAL, foreign keys,
  // busy_timeout=5000, cache_size=-16000, temp_store=MEMORY). Fails with kUnavailable.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  Result<Rows> Query(std::string_view sql, const std::vector<Param>& params);
  Result<std::int64_t> Exec(std::string_view sql, const std::vector<Param>& params = {});
  // Several statements, no parameters, no statement cache.
  Result<void> ExecScript(std::string_view sql);
  // True while a transaction is open on this connection.
  bool InTransaction() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  Result<sqlite3_stmt*> Prepare(std::string_view sql);
  // Binds, steps to the end, collecting rows into `out` when non-null; always resets `stmt`.
  Result<void> Run(sqlite3_stmt* stmt, const std::vector<Param>& params, Rows* out);
  // Maps the connection's last error. Only `with_message` errors (scripts: migrations, DDL) carry
  // SQLite's message, which can quote SQL; the others carry the generic error string.
  Error LastError(int rc, std::string_view sql, bool with_message = false) const;

  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, Hash, std::equal_to<>> cache_;
};

}  // namespace shop::db::detail
