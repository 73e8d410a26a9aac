// The coroutine face over the blocking driver (SQLite): the transaction runs on the named pool and
// the awaiting coroutine resumes on its own thread; commit and rollback as the blocking face.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <thread>

#include "shop/testing/testing.hpp"
#include "test_db.hpp"

namespace shop::db::testing {
namespace {

using shop::testing::RunAwait;

TEST(AsyncFaceTest, SqliteTransactionRunsOnTheBlockingPoolAndTheCallerResumesOnItsThread) {
  TempDb tmp;
  auto db = tmp.Open();
  ASSERT_TRUE(db);
  EXPECT_FALSE(db->native_async());
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"));
  boost::asio::thread_pool pool(1);
  std::thread::id tx_thread, resumed_on;
  auto task = [&]() -> Task<Result<std::int64_t>> {
    auto r = co_await db->WriteAsync<std::int64_t>(
        [&](AsyncTx& tx) -> Task<Result<std::int64_t>> {
          tx_thread = std::this_thread::get_id();
          std::vector<Param> params = {"a"};  // (GCC 12: no braced list inside co_await)
          auto n = co_await tx.Exec("INSERT INTO t (name) VALUES ($1)", std::move(params));
          if (!n) co_return n.error();
          auto row = co_await tx.QueryOne("SELECT count(*) FROM t");
          if (!row) co_return row.error();
          co_return (*row)->Int(0);
        },
        pool.get_executor());
    resumed_on = std::this_thread::get_id();
    co_return r;
  };
  auto r = RunAwait(task());
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(*r, 1);
  EXPECT_NE(tx_thread, std::thread::id());
  EXPECT_NE(tx_thread, std::this_thread::get_id());
  EXPECT_EQ(resumed_on, std::this_thread::get_id());
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 1);
  pool.join();
}

TEST(AsyncFaceTest, ErrorFromTheCoroutineRollsBackItsStatements) {
  TempDb tmp;
  auto db = tmp.Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"));
  boost::asio::thread_pool pool(1);
  auto r = RunAwait(db->WriteAsync<int>(
      [](AsyncTx& tx) -> Task<Result<int>> {
        std::vector<Param> params = {"gone"};
        auto n = co_await tx.Exec("INSERT INTO t (name) VALUES ($1)", std::move(params));
        if (!n) co_return n.error();
        co_return Error::Conflict("changed my mind");
      },
      pool.get_executor()));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 0);
  pool.join();
}

}  // namespace
}  // namespace shop::db::testing
