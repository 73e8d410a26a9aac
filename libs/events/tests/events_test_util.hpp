// Shared helpers of the events tests: a migrated in-memory database and a COUNT(*) reader.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string_view>

#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"
#include "shop/events/event.hpp"

namespace shop::events::testing {

// sqlite::memory: with the events schema, then `extra_script` (test tables) if any.
inline std::unique_ptr<db::Database> MigratedMemoryDb(std::string_view extra_script = {}) {
  auto db = db::Open("sqlite::memory:");
  EXPECT_TRUE(db);
  EXPECT_TRUE(db::Migrate(**db, "events", SchemaMigrations()));
  if (!extra_script.empty()) {
    EXPECT_TRUE((*db)->ExecScript(extra_script));
  }
  return std::move(*db);
}

inline std::int64_t Count(db::Database& db, std::string_view sql) {
  auto r = db.Read([&](db::Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne(sql);
    if (!row) return row.error();
    return (*row)->Int(0);
  });
  EXPECT_TRUE(r);
  return r ? *r : -1;
}

}  // namespace shop::events::testing
