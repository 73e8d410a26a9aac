// Versioned migrations: each component (a service, the events library) has an ordered list of SQL
// scripts compiled into its binary (cmake/Migrations.cmake). Migrate() applies the missing ones in
// order, each in its own transaction, and records them in `schema_migrations(component, version)`.
// Idempotent; safe to run at every start-up.
#pragma once

#include <string>
#include <vector>

#include "shop/db/database.hpp"

namespace shop::db {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

Result<void> Migrate(Database& db, std::string_view component, const std::vector<Migration>& migrations);

// Versions recorded for `component`, ascending.
Result<std::vector<int>> AppliedVersions(Database& db, std::string_view component);

}  // namespace shop::db
