// MigrateWithLock: Migrate() while holding a session-level advisory lock on a dedicated connection.
#include "pg_database.hpp"
#include "pg_dialect.hpp"
#include "shop/db/pg.hpp"

namespace shop::db {
namespace {

// The table shop::db::Migrate creates, with BIGINT where PostgreSQL's INTEGER (int4) is too narrow
// for applied_at in epoch milliseconds; created first, Migrate's CREATE TABLE IF NOT EXISTS is a
// no-op. An older table made with INTEGER is widened.
constexpr std::string_view kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL, applied_at BIGINT NOT NULL,"
    " PRIMARY KEY (component, version));"
    "ALTER TABLE schema_migrations ALTER COLUMN applied_at TYPE BIGINT;";

}  // namespace

Result<void> MigrateWithLock(Database& db, std::string_view component, const std::vector<Migration>& migrations) {
  auto* pg = dynamic_cast<pgdetail::PgDatabase*>(&db);
  if (pg == nullptr) return Migrate(db, component, migrations);
  auto lock = pg->pool().OpenDedicated();
  if (!lock) return lock.error();
  pgdetail::Connection& c = **lock;
  if (auto r = c.Simple("SET lock_timeout = '120s'"); !r) return r.error();
  if (auto r = c.Simple("SELECT pg_advisory_lock(hashtext('shop.schema_migrations'))"); !r) {
    return r.error().code == Errc::kUnavailable ? r.error()
                                                : Error::Unavailable("migration lock not acquired");
  }
  Result<void> result = Ok();
  if (auto r = c.Simple(kCreateTable); !r) {
    result = r.error();
  } else {
    std::vector<Migration> translated = migrations;
    for (auto& m : translated) m.sql = pgdetail::TranslateSqliteDdl(m.sql);
    result = Migrate(db, component, translated);
  }
  // Closing the connection releases the lock too; unlocking first frees it without waiting for
  // the server to notice the disconnect.
  (void)c.Simple("SELECT pg_advisory_unlock(hashtext('shop.schema_migrations'))");
  return result;
}

}  // namespace shop::db
