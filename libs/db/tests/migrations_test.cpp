#include "shop/db/migrations.hpp"

#include <gtest/gtest.h>

#include <thread>

#include "test_db.hpp"

namespace shop::db {
namespace {

using testing::ScalarInt;
using testing::TempDb;

std::vector<Migration> TwoMigrations() {
  return {{2, "0002_more", "ALTER TABLE items ADD COLUMN price INTEGER NOT NULL DEFAULT 0;"},
          {1, "0001_init", "CREATE TABLE items(id TEXT PRIMARY KEY); CREATE INDEX items_id ON items(id);"}};
}

TEST(MigrationsTest, AppliesInOrderAndRecordsVersions) {
  auto db = std::move(*Open("sqlite::memory:"));
  ASSERT_TRUE(Migrate(*db, "svc", TwoMigrations()));
  auto v = AppliedVersions(*db, "svc");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<int>{1, 2}));
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM pragma_table_info('items') WHERE name = 'price'"), 1);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM schema_migrations WHERE component = 'svc' AND name = '0001_init'"), 1);
}

TEST(MigrationsTest, RerunIsANoOp) {
  auto db = std::move(*Open("sqlite::memory:"));
  ASSERT_TRUE(Migrate(*db, "svc", TwoMigrations()));
  // Re-running would fail ("duplicate column") if anything were applied twice.
  auto r = Migrate(*db, "svc", TwoMigrations());
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM schema_migrations"), 2);
}

TEST(MigrationsTest, AppliedVersionsOfAFreshDatabaseIsEmpty) {
  auto db = std::move(*Open("sqlite::memory:"));
  auto v = AppliedVersions(*db, "svc");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->empty());
}

TEST(MigrationsTest, ComponentsAreIndependent) {
  auto db = std::move(*Open("sqlite::memory:"));
  ASSERT_TRUE(Migrate(*db, "a", {{1, "0001_a", "CREATE TABLE a(x);"}}));
  ASSERT_TRUE(Migrate(*db, "b", {{1, "0001_b", "CREATE TABLE b(x);"}}));
  EXPECT_EQ(*AppliedVersions(*db, "a"), std::vector<int>{1});
  EXPECT_EQ(*AppliedVersions(*db, "b"), std::vector<int>{1});
}

TEST(MigrationsTest, FailingMigrationRollsBackAloneAndStops) {
  auto db = std::move(*Open("sqlite::memory:"));
  std::vector<Migration> ms = {
      {1, "0001_ok", "CREATE TABLE ok(x);"},
      {2, "0002_bad", "CREATE TABLE half(x); INSERT INTO missing VALUES (1);"},
      {3, "0003_never", "CREATE TABLE never(x);"},
  };
  auto r = Migrate(*db, "svc", ms);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("0002_bad"), std::string::npos) << r.error().detail;
  EXPECT_EQ(*AppliedVersions(*db, "svc"), std::vector<int>{1});
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'ok'"), 1);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('half', 'never')"), 0);
}

TEST(MigrationsTest, DuplicateVersionsAreRejected) {
  auto db = std::move(*Open("sqlite::memory:"));
  auto r = Migrate(*db, "svc", {{1, "a", "CREATE TABLE a(x);"}, {1, "b", "CREATE TABLE b(x);"}});
  ASSERT_FALSE(r);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('a', 'b')"), 0);
}

TEST(MigrationsTest, ConcurrentStartersApplyEachVersionOnce) {
  TempDb tmp;
  auto a = tmp.Open();
  auto b = tmp.Open();
  Result<void> ra = Ok(), rb = Ok();
  std::thread t1([&] { ra = Migrate(*a, "svc", TwoMigrations()); });
  std::thread t2([&] { rb = Migrate(*b, "svc", TwoMigrations()); });
  t1.join();
  t2.join();
  EXPECT_TRUE(ra) << ra.error().detail;
  EXPECT_TRUE(rb) << rb.error().detail;
  EXPECT_EQ(*AppliedVersions(*a, "svc"), (std::vector<int>{1, 2}));
}

}  // namespace
}  // namespace shop::db
