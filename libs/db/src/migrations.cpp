// Each migration runs in its own write transaction together with its schema_migrations record
// (SQLite DDL is transactional), so a failing script leaves neither half-applied schema nor a
// record. BEGIN IMMEDIATE serialises concurrent starters; the version is re-checked inside the
// transaction, so the second process to get the lock skips what the first applied.
#include "shop/db/migrations.hpp"

#include <algorithm>
#include <chrono>
#include <set>

namespace shop::db {
namespace {

constexpr std::string_view kCreateTable = R"sql(
  CREATE TABLE IF NOT EXISTS schema_migrations (
    component  TEXT NOT NULL,
    version    INTEGER NOT NULL,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (component, version)
  ))sql";

constexpr std::string_view kSelectVersions =
    "SELECT version FROM schema_migrations WHERE component = $1 ORDER BY version";
constexpr std::string_view kSelectVersion =
    "SELECT 1 FROM schema_migrations WHERE component = $1 AND version = $2";
constexpr std::string_view kInsertVersion =
    "INSERT INTO schema_migrations (component, version, name, applied_at) VALUES ($1, $2, $3, $4)";

std::int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<void> EnsureTable(Database& db) {
  return db.Write([](Tx& tx) -> Result<void> {
    if (auto r = tx.Exec(kCreateTable); !r) return r.error();
    return Ok();
  });
}

Result<std::vector<int>> ReadVersions(Tx& tx, std::string_view component) {
  auto rows = tx.Query(kSelectVersions, {component});
  if (!rows) return rows.error();
  std::vector<int> out;
  out.reserve(rows->size());
  for (const auto& row : *rows) out.push_back(static_cast<int>(row.Int(0)));
  return out;
}

Result<void> ApplyOne(Database& db, std::string_view component, const Migration& m) {
  return db.Write([&](Tx& tx) -> Result<void> {
    auto present = tx.QueryOne(kSelectVersion, {component, m.version});
    if (!present) return present.error();
    if (*present) return Ok();  // another process applied it meanwhile
    if (auto r = tx.ExecScript(m.sql); !r) {
      return Error{r.error().code == Errc::kUnavailable ? Errc::kUnavailable : Errc::kInternal,
                   "migration " + std::string(component) + " " + std::to_string(m.version) + " (" + m.name +
                       ") failed: " + r.error().detail};
    }
    if (auto r = tx.Exec(kInsertVersion, {component, m.version, m.name, NowMs()}); !r) return r.error();
    return Ok();
  });
}

}  // namespace

Result<void> Migrate(Database& db, std::string_view component, const std::vector<Migration>& migrations) {
  std::vector<const Migration*> ordered;
  std::set<int> seen;
  for (const auto& m : migrations) {
    if (!seen.insert(m.version).second) {
      return Error::Internal("duplicate migration version " + std::to_string(m.version) + " for " +
                             std::string(component));
    }
    ordered.push_back(&m);
  }
  std::sort(ordered.begin(), ordered.end(), [](auto* a, auto* b) { return a->version < b->version; });

  if (auto r = EnsureTable(db); !r) return r.error();
  auto applied = AppliedVersions(db, component);
  if (!applied) return applied.error();
  const std::set<int> done(applied->begin(), applied->end());
  for (const auto* m : ordered) {
    if (done.count(m->version)) continue;
    if (auto r = ApplyOne(db, component, *m); !r) return r.error();
  }
  return Ok();
}

Result<std::vector<int>> AppliedVersions(Database& db, std::string_view component) {
  return db.Read([&](Tx& tx) -> Result<std::vector<int>> {
    if (tx.dialect() == Dialect::kSqlite) {
      auto exists = tx.QueryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'");
      if (!exists) return exists.error();
      if (!*exists) return std::vector<int>{};
    }
    return ReadVersions(tx, component);
  });
}

}  // namespace shop::db
