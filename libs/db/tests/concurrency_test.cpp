#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "test_db.hpp"

namespace shop::db {
namespace {

using testing::Exec;
using testing::ScalarInt;
using testing::TempDb;

TEST(DatabaseConcurrencyTest, ConcurrentWriteTransactionsLoseNoIncrement) {
  TempDb tmp;
  auto db = tmp.Open();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE counter(id INTEGER PRIMARY KEY, n INTEGER NOT NULL);"
                             "INSERT INTO counter VALUES (1, 0);"));
  constexpr int kThreads = 8;
  constexpr int kIncrements = 200;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        // Read-modify-write: lost updates would show if writers were not serialised.
        auto r = db->Write([](Tx& tx) -> Result<void> {
          auto row = tx.QueryOne("SELECT n FROM counter WHERE id = 1");
          if (!row) return row.error();
          if (auto u = tx.Exec("UPDATE counter SET n = $1 WHERE id = 1", {(*row)->Int(0) + 1}); !u) return u.error();
          return Ok();
        });
        if (!r) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ScalarInt(*db, "SELECT n FROM counter WHERE id = 1"), kThreads * kIncrements);
}

TEST(DatabaseConcurrencyTest, ReadSeesLastCommitWhileAWriteIsOpen) {
  TempDb tmp;
  auto db = tmp.Open();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER); INSERT INTO t VALUES (1);"));
  std::promise<void> written, release;
  auto release_f = release.get_future();
  std::thread writer([&] {
    auto r = db->Write([&](Tx& tx) -> Result<void> {
      if (auto u = tx.Exec("UPDATE t SET v = 2"); !u) return u.error();
      written.set_value();
      release_f.wait();
      return Ok();
    });
    EXPECT_TRUE(r);
  });
  written.get_future().wait();
  // WAL: the reader neither blocks nor sees the uncommitted value.
  EXPECT_EQ(ScalarInt(*db, "SELECT v FROM t"), 1);
  release.set_value();
  writer.join();
  EXPECT_EQ(ScalarInt(*db, "SELECT v FROM t"), 2);
}

TEST(DatabaseConcurrencyTest, TwoHandlesOnOneFileShareData) {
  TempDb tmp;
  auto a = tmp.Open();
  auto b = tmp.Open();
  ASSERT_TRUE(a->ExecScript("CREATE TABLE t(v INTEGER)"));
  ASSERT_TRUE(Exec(*a, "INSERT INTO t VALUES (5)"));
  EXPECT_EQ(ScalarInt(*b, "SELECT v FROM t"), 5);
}

}  // namespace
}  // namespace shop::db

namespace shop::db {
namespace {

TEST(DatabaseConcurrencyTest, WriteLockHeldTooLongIsUnavailable) {
  TempDb tmp;
  auto a = tmp.Open();
  auto b = tmp.Open();
  ASSERT_TRUE(a->ExecScript("CREATE TABLE t(v INTEGER)"));
  std::promise<void> locked;
  std::atomic<bool> done{false};
  std::thread holder([&] {
    (void)a->Write([&](Tx& tx) -> Result<void> {
      (void)tx.Exec("INSERT INTO t VALUES (1)");
      locked.set_value();
      while (!done) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      return Ok();
    });
  });
  locked.get_future().wait();
  const auto start = std::chrono::steady_clock::now();
  auto r = Exec(*b, "INSERT INTO t VALUES (2)");
  const auto waited = std::chrono::steady_clock::now() - start;
  done = true;
  holder.join();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_GE(waited, std::chrono::seconds(4));  // it waited for the lock instead of failing at once
  EXPECT_EQ(ScalarInt(*b, "SELECT COUNT(*) FROM t"), 1);
}

}  // namespace
}  // namespace shop::db
