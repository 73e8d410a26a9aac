// Test helpers: a fresh SQLite file in a private temporary directory, removed afterwards.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "shop/db/database.hpp"

namespace shop::db::testing {

class TempDb {
 public:
  TempDb() {
    char tmpl[] = "/tmp/shop-db-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    path_ = dir_ + "/test.db";
  }
  ~TempDb() { std::filesystem::remove_all(dir_); }
  std::string url() const { return "sqlite://" + path_; }
  std::unique_ptr<Database> Open() const {
    auto db = db::Open(url());
    EXPECT_TRUE(db) << (db ? "" : db.error().detail);
    return db ? std::move(*db) : nullptr;
  }

 private:
  std::string dir_, path_;
};

inline Result<std::int64_t> Exec(Database& db, std::string_view sql, std::vector<Param> params = {}) {
  return db.Write([&](Tx& tx) { return tx.Exec(sql, params); });
}

inline std::int64_t ScalarInt(Database& db, std::string_view sql, std::vector<Param> params = {}) {
  auto r = db.Read([&](Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne(sql, params);
    if (!row) return row.error();
    return *row ? (*row)->Int(0) : -1;
  });
  EXPECT_TRUE(r) << (r ? "" : r.error().detail);
  return r ? *r : -1;
}

}  // namespace shop::db::testing
