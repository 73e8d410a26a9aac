// The PostgreSQL driver (libpq) behind shop::db::Database, for the distributed shape.
//
// URLs: "postgresql://user:pass@host:port/dbname?sslmode=disable&pool_size=8" (also "postgres://").
// The driver's own query parameters (pool_size, acquire_timeout_ms) are removed before the URL
// goes to libpq; everything else is libpq's (https://www.postgresql.org/docs/15/libpq-connect.html).
// Defaults sent before the URL, so the URL overrides them: connect_timeout=5, keepalives on
// (idle 30 s, interval 10 s, count 3), tcp_user_timeout=30000, application_name=shop.
//
// Pool: at most `pool_size` connections (PgOptions, else the URL's pool_size, else 4), opened
// lazily; the first one eagerly, so an unreachable server fails OpenPostgres with kUnavailable.
// A transaction waits at most `acquire_timeout` for a free connection, then fails with
// kUnavailable "database pool exhausted". A connection found broken (CONNECTION_BAD) is reset
// before reuse; a transaction whose BEGIN fails on a dead connection reconnects and retries once
// (nothing has run yet, so it is safe), so a server restart or a terminated backend costs at
// most the transactions that were in flight.
//
// Ping() runs SELECT 1, waiting at most 1 s for a pooled connection (readiness probes).
// Timeouts: a statement runs as long as the server lets it; bound it with libpq's options in the
// URL, e.g. ?options=-c%20statement_timeout%3D5000 (-> kUnavailable when it fires).
//
// Statements: each connection prepares a statement once per SQL text and then executes it by name;
// parameters go as text ($1, $2 ... typed by the server from context): int64 and double in
// decimal, strings verbatim, NULL as NULL. Result columns: int2/int4/int8 -> int64, float4/float8
// -> double, bool -> 1/0, NULL -> NULL, everything else (numeric, text, timestamps, uuid...) ->
// text.
//
// Round trips (pipeline mode): a statement new to the connection is prepared and executed in ONE
// round trip; a write transaction opens lazily and its BEGIN travels with its first statement; a
// transaction that runs no statement costs none. Counted in shop_db_round_trips_total.
//
// Transactions: READ COMMITTED (the server default, which the driver assumes). kWrite runs
// BEGIN ... COMMIT; kRead runs its statements without BEGIN/COMMIT, each committing on its own,
// which under READ COMMITTED is what a read transaction sees anyway (each statement takes a fresh
// snapshot) at one round trip less: never lock rows (FOR UPDATE) or SET LOCAL in a kRead. The
// failpoints "db.before_commit"/"db.after_commit" sit on the write commit path; OnCommit
// listeners run after each committed write. Use conditional UPDATE ... WHERE ... RETURNING and
// SELECT ... FOR UPDATE SKIP LOCKED for work shared by replicas.
//
// Threading (ADR 0007): each database owns an Asio loop thread on which all of its connections do
// their I/O with libpq's asynchronous API (nonblocking sockets, readiness from the reactor, the
// connect attempt bounded by connect_timeout with a timer). The Database/Tx interface is blocking:
// the calling (worker) thread hands each round trip to the loop and waits for it (ADR 0003);
// never call it from an I/O thread. A Write nested in a Write on the same thread and database
// fails at once with kInternal (it would wait on its caller's row locks forever); a Read inside a
// Write uses another connection and sees committed data only.
//
// Errors: SQLSTATE 23505/23503 -> kConflict; 40001/40P01 (serialization failure, deadlock),
// 55P03 (lock not available), 57014 (statement timeout), 53xxx and connection errors (08xxx,
// 57P0x, CONNECTION_BAD) -> kUnavailable (retry the whole transaction); else kInternal. Details
// carry the SQLSTATE and constraint name, never SQL text or parameter values (the server's
// message is logged at warn level, except for data exceptions (22xxx), which echo values).
#pragma once

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"

namespace shop::db {

struct PgOptions {
  int pool_size = 0;                                            // 0: the URL's pool_size, else 4
  std::chrono::milliseconds acquire_timeout{0};                 // 0: the URL's acquire_timeout_ms, else 5 s
};

// True for postgresql:// and postgres:// URLs.
bool IsPostgresUrl(std::string_view url);

// kInvalid for a URL that is not postgresql:// / postgres:// or has a bad pool_size;
// kUnavailable when the first connection cannot be opened.
Result<std::unique_ptr<Database>> OpenPostgres(std::string_view url, PgOptions options = {});

// The URL switch of DATABASE_URL: postgresql:// and postgres:// -> OpenPostgres(url), anything
// else -> shop::db::Open(url) (SQLite).
Result<std::unique_ptr<Database>> OpenAny(std::string_view url);

// Migrate() under a PostgreSQL session-level advisory lock, so several replicas can start at
// once: one applies the missing migrations, the others wait and then find nothing to do. The lock
// (pg_advisory_lock(hashtext('shop.schema_migrations'))) is held on a dedicated connection outside
// the pool (the pool stays free for Migrate's own transactions) and covers every component of the
// database, since concurrent CREATE TABLE IF NOT EXISTS of schema_migrations can itself collide.
// Waits at most 120 s for the lock (kUnavailable after that). It creates schema_migrations itself
// with applied_at BIGINT (Migrate's INTEGER is int4 on PostgreSQL, too narrow for epoch ms) and
// translates SQLite-dialect DDL word by word before running it: INTEGER -> BIGINT,
// AUTOINCREMENT -> GENERATED BY DEFAULT AS IDENTITY, REAL -> DOUBLE PRECISION, BLOB -> BYTEA,
// WITHOUT ROWID dropped (outside quotes and comments). Other SQLite-only SQL (virtual FTS5 tables,
// triggers in SQLite syntax, PRAGMA) needs a per-dialect migration file.
// On a non-PostgreSQL Database it is plain Migrate() (SQLite's BEGIN IMMEDIATE already serialises
// migrators), so callers can use it for both drivers.
Result<void> MigrateWithLock(Database& db, std::string_view component, const std::vector<Migration>& migrations);

}  // namespace shop::db
