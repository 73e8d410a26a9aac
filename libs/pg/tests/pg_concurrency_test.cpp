// Several workers (or replicas) against one database: the PostgreSQL primitives the services use.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "pg_test_env.hpp"

namespace shop::db::pgtest {
namespace {

using PgConcurrency = PgTest;

TEST_F(PgConcurrency, ConditionalUpdatesFromEightThreadsNeverOversell) {
  auto db = Open({.pool_size = 8});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE stock (id BIGINT PRIMARY KEY, on_hand BIGINT NOT NULL, reserved BIGINT NOT NULL);"
                             "INSERT INTO stock VALUES (1, 25, 0);"));
  std::atomic<int> reserved{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int k = 0; k < 10; ++k) {
        auto n = db->Write([](Tx& tx) -> Result<std::int64_t> {
          auto row = tx.QueryOne(
              "UPDATE stock SET reserved = reserved + 1 WHERE id = 1 AND on_hand - reserved >= 1 RETURNING reserved");
          if (!row) return row.error();
          return *row ? 1 : 0;
        });
        ASSERT_TRUE(n) << n.error().detail;
        reserved += static_cast<int>(*n);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(reserved.load(), 25);
  EXPECT_EQ(ScalarInt(*db, "SELECT reserved FROM stock WHERE id = 1"), 25);
}

TEST_F(PgConcurrency, SkipLockedClaimersNeverClaimTheSameRow) {
  auto db = Open({.pool_size = 4});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript(
      "CREATE TABLE jobs (id BIGINT PRIMARY KEY, claimed_by TEXT);"
      "CREATE TABLE claims (job_id BIGINT PRIMARY KEY, claimer TEXT NOT NULL);"
      "INSERT INTO jobs (id) SELECT g FROM generate_series(1, 40) g;"));
  std::mutex mu;
  std::multiset<std::int64_t> claimed;
  std::atomic<int> errors{0};
  auto claimer = [&](std::string name) {
    for (;;) {
      auto got = db->Write([&](Tx& tx) -> Result<std::optional<std::int64_t>> {
        auto row = tx.QueryOne(
            "SELECT id FROM jobs WHERE claimed_by IS NULL ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED");
        if (!row) return row.error();
        if (!*row) return std::optional<std::int64_t>{};
        const auto id = (*row)->Int(0);
        if (auto e = tx.Exec("UPDATE jobs SET claimed_by = $1 WHERE id = $2", {name, id}); !e) return e.error();
        // A unique key: a second claim of the same job would fail here with kConflict.
        if (auto e = tx.Exec("INSERT INTO claims VALUES ($1, $2)", {id, name}); !e) return e.error();
        std::this_thread::yield();
        return std::optional<std::int64_t>{id};
      });
      if (!got) {
        ++errors;
        continue;
      }
      if (!*got) return;
      std::lock_guard lock(mu);
      claimed.insert(**got);
    }
  };
  std::thread a(claimer, "a"), b(claimer, "b");
  a.join();
  b.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(claimed.size(), 40u);
  EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()).size(), 40u);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM claims"), 40);
  EXPECT_GT(ScalarInt(*db, "SELECT count(DISTINCT claimer) FROM claims"), 0);
}

TEST_F(PgConcurrency, DeadlockIsReportedAsRetryableUnavailable) {
  auto db = Open({.pool_size = 2});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE r (id BIGINT PRIMARY KEY, n BIGINT); INSERT INTO r VALUES (1, 0), (2, 0);"));
  std::atomic<int> arrived{0};
  auto worker = [&](int first, int second) {
    return db->Write([&](Tx& tx) -> Result<void> {
      if (auto e = tx.Exec("UPDATE r SET n = n + 1 WHERE id = $1", {first}); !e) return e.error();
      ++arrived;
      while (arrived.load() < 2) std::this_thread::yield();
      if (auto e = tx.Exec("UPDATE r SET n = n + 1 WHERE id = $1", {second}); !e) return e.error();
      return Ok();
    });
  };
  Result<void> ra = Ok(), rb = Ok();
  std::thread a([&] { ra = worker(1, 2); });
  std::thread b([&] { rb = worker(2, 1); });
  a.join();
  b.join();
  ASSERT_NE(ra.has_value(), rb.has_value()) << "exactly one of the two must be the deadlock victim";
  const Error& e = ra ? rb.error() : ra.error();
  EXPECT_EQ(e.code, Errc::kUnavailable) << e.detail;
  EXPECT_EQ(ScalarInt(*db, "SELECT sum(n) FROM r"), 2);
}

TEST_F(PgConcurrency, SerializationFailureIsReportedAsRetryableUnavailable) {
  auto db = Open({.pool_size = 2});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE acc (id BIGINT PRIMARY KEY, n BIGINT); INSERT INTO acc VALUES (1, 0);"));
  std::atomic<int> read{0};
  auto worker = [&] {
    return db->Write([&](Tx& tx) -> Result<void> {
      if (auto e = tx.Exec("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"); !e) return e.error();
      auto row = tx.QueryOne("SELECT n FROM acc WHERE id = 1");
      if (!row) return row.error();
      ++read;
      while (read.load() < 2) std::this_thread::yield();
      if (auto e = tx.Exec("UPDATE acc SET n = $1 WHERE id = 1", {(*row)->Int(0) + 1}); !e) return e.error();
      return Ok();
    });
  };
  Result<void> ra = Ok(), rb = Ok();
  std::thread a([&] { ra = worker(); });
  std::thread b([&] { rb = worker(); });
  a.join();
  b.join();
  ASSERT_NE(ra.has_value(), rb.has_value()) << "the second writer of the row must fail";
  const Error& e = ra ? rb.error() : ra.error();
  EXPECT_EQ(e.code, Errc::kUnavailable) << e.detail;
  EXPECT_EQ(ScalarInt(*db, "SELECT n FROM acc WHERE id = 1"), 1);  // no lost update
}

TEST_F(PgConcurrency, TwoMigratorsAtOnceApplyEachMigrationOnce) {
  auto db1 = Open();
  auto db2 = Open();
  ASSERT_TRUE(db1 && db2);
  const std::vector<Migration> migrations = {
      {1, "create", "CREATE TABLE items (id BIGINT PRIMARY KEY, name TEXT NOT NULL);"},
      {2, "seed", "INSERT INTO items VALUES (1, 'first'); SELECT pg_sleep(0.2);"},
      {3, "column", "ALTER TABLE items ADD COLUMN price BIGINT NOT NULL DEFAULT 0;"},
  };
  Result<void> r1 = Ok(), r2 = Ok();
  std::thread a([&] { r1 = MigrateWithLock(*db1, "catalog", migrations); });
  std::thread b([&] { r2 = MigrateWithLock(*db2, "catalog", migrations); });
  a.join();
  b.join();
  ASSERT_TRUE(r1) << r1.error().detail;
  ASSERT_TRUE(r2) << r2.error().detail;
  EXPECT_EQ(ScalarInt(*db1, "SELECT count(*) FROM items"), 1);
  EXPECT_EQ(ScalarInt(*db1, "SELECT count(*) FROM schema_migrations WHERE component = 'catalog'"), 3);
  auto versions = AppliedVersions(*db2, "catalog");
  ASSERT_TRUE(versions);
  EXPECT_EQ(*versions, (std::vector<int>{1, 2, 3}));
  ASSERT_TRUE(MigrateWithLock(*db1, "catalog", migrations));  // idempotent
  EXPECT_EQ(ScalarInt(*db1, "SELECT count(*) FROM items"), 1);
}

}  // namespace
}  // namespace shop::db::pgtest
