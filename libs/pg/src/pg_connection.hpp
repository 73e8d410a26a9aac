// One libpq connection with its prepared-statement cache. Used by one thread at a time (the pool
// hands it out exclusively). Private to libs/pg; libpq-fe.h stays out of this header.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "shop/db/database.hpp"

struct pg_conn;

namespace shop::db::pgdetail {

// Connection parameters as libpq keyword/value pairs (PQconnectdbParams with expand_dbname: a
// "dbname" entry holding a URL is expanded in place, later entries override earlier ones).
using ConnectParams = std::vector<std::pair<std::string, std::string>>;

enum class TxState { kIdle, kInTransaction, kFailed, kUnknown };

class Connection {
 public:
  // kUnavailable when the server cannot be reached or refuses the connection.
  static Result<std::unique_ptr<Connection>> Open(const ConnectParams& params);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // The socket is gone (CONNECTION_BAD): Reset() before any further use.
  bool Broken() const;
  // Reconnects with the same parameters and forgets the prepared statements.
  Result<void> Reset();
  TxState State() const;

  // Extended protocol: one statement, $N parameters as text, prepared once per SQL text.
  Result<Rows> Query(std::string_view sql, const std::vector<Param>& params);
  Result<std::int64_t> Exec(std::string_view sql, const std::vector<Param>& params);
  // Simple protocol: no parameters, several `;`-separated statements allowed. Returns the command
  // tag of the last statement ("BEGIN", "COMMIT", "ROLLBACK", "SELECT 1"...).
  Result<std::string> Simple(std::string_view sql);

  std::size_t cached_statements() const { return cache_.size(); }

 private:
  explicit Connection(pg_conn* c) : conn_(c) {}
  struct Outcome;
  Result<Outcome> Run(std::string_view sql, const std::vector<Param>& params);

  pg_conn* conn_;
  std::unordered_map<std::string, std::string> cache_;  // SQL text -> statement name
  std::uint64_t next_statement_ = 0;
};

}  // namespace shop::db::pgdetail
