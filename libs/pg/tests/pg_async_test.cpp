// The driver's asynchronous machinery: round trips saved by pipeline mode, and a connection
// attempt bounded by connect_timeout on the loop (libpq's nonblocking connect has no timer).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>

#include <atomic>
#include <future>
#include <string>
#include <thread>

#include "pg_test_env.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::db::pgtest {
namespace {

using PgAsync = PgTest;

double RoundTrips() { return metrics::Value("shop_db_round_trips_total", {{"driver", "postgres"}}); }

TEST_F(PgAsync, ReadOfOneStatementTakesOneRoundTrip) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));  // prepared now
  const double before = RoundTrips();
  auto r = db->Read([](Tx& tx) { return tx.QueryOne("SELECT 1"); });
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->Int(0), 1);
  EXPECT_EQ(RoundTrips() - before, 1);  // no BEGIN/COMMIT around a read (READ COMMITTED)
}

TEST_F(PgAsync, WriteOfOneStatementTakesTwoRoundTripsBeginTravellingWithIt) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (0)"));  // prepared now
  const double before = RoundTrips();
  EXPECT_TRUE(db->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (0)"); }).has_error());  // duplicate
  EXPECT_EQ(RoundTrips() - before, 2);  // [BEGIN, INSERT] then ROLLBACK
  const double before_ok = RoundTrips();
  EXPECT_TRUE(db->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES ($1)", {7}); }));
  EXPECT_LE(RoundTrips() - before_ok, 2);  // [BEGIN, (PREPARE,) INSERT] then COMMIT
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 2);
}

TEST_F(PgAsync, ReadLeavesNoTransactionOpenAndSeesEachCommittedWrite) {
  auto db = Open({.pool_size = 1});
  auto other = Open({.pool_size = 1});
  ASSERT_TRUE(db && other);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto r = db->Read([&](Tx& tx) -> Result<std::int64_t> {
    auto before = tx.QueryOne("SELECT count(*) FROM t");
    if (!before) return before.error();
    EXPECT_TRUE(Exec(*other, "INSERT INTO t VALUES (1)"));  // committed meanwhile
    auto after = tx.QueryOne("SELECT count(*) FROM t");
    if (!after) return after.error();
    auto status = tx.QueryOne("SELECT count(*) FROM pg_stat_activity WHERE pid = pg_backend_pid() "
                              "AND backend_xid IS NULL AND state = 'active'");
    if (!status) return status.error();
    EXPECT_EQ((*status)->Int(0), 1);
    return (*after)->Int(0) - (*before)->Int(0);
  });
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(*r, 1);  // as READ COMMITTED inside a transaction would see it
}

TEST_F(PgAsync, TransactionWithoutStatementsCostsNoRoundTrip) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  const double before = RoundTrips();
  EXPECT_TRUE(db->Write([](Tx&) -> Result<void> { return Ok(); }));
  EXPECT_EQ(RoundTrips() - before, 0);
}

TEST_F(PgAsync, FirstSeenStatementIsPreparedAndRunInOneRoundTrip) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  const std::string sql = "SELECT $1::bigint + 41 AS answer_" + std::to_string(::getpid());
  auto r = db->Read([&](Tx& tx) -> Result<std::int64_t> {
    if (auto warm = tx.Query("SELECT 1"); !warm) return warm.error();
    const double before = RoundTrips();
    auto row = tx.QueryOne(sql, {1});
    if (!row) return row.error();
    EXPECT_EQ(RoundTrips() - before, 1);
    EXPECT_EQ((*row)->Int(0), 42);
    // The same connection now holds it as a named prepared statement.
    auto prepared = tx.QueryOne("SELECT count(*) FROM pg_prepared_statements WHERE statement = $1", {sql});
    if (!prepared) return prepared.error();
    return (*prepared)->Int(0);
  });
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(*r, 1);
}

TEST_F(PgAsync, FailedFirstStatementRollsBackAndLeavesTheConnectionUsable) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)"));
  auto dup = db->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (1)"); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::kConflict);
  EXPECT_TRUE(Exec(*db, "INSERT INTO t VALUES (2)"));
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 2);
}

// A TCP listener that never answers: the connection is accepted by the kernel and libpq then waits
// for the server's reply forever unless the driver's timer ends the attempt.
class SilentServer {
 public:
  SilentServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    EXPECT_EQ(::listen(fd_, 8), 0);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  ~SilentServer() { ::close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

TEST(PgConnect, ServerThatNeverAnswersFailsWithUnavailableAtTheConnectTimeout) {
  SilentServer silent;
  auto db = OpenPostgres("postgresql://shop@127.0.0.1:" + std::to_string(silent.port()) +
                         "/shop?connect_timeout=1&sslmode=disable");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kUnavailable);
  EXPECT_NE(db.error().detail.find("timeout"), std::string::npos) << db.error().detail;
}

TEST(PgConnect, RefusedConnectionFailsWithUnavailable) {
  int port = 0;
  {
    SilentServer closed;  // a port that was free a moment ago
    port = closed.port();
  }
  auto db = OpenPostgres("postgresql://shop@127.0.0.1:" + std::to_string(port) + "/shop?sslmode=disable");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace shop::db::pgtest

namespace shop::db::pgtest {
namespace {

// Several coroutine transactions awaited from ONE I/O thread are in flight at once: each waits on
// the server (an advisory lock held by another session) without holding the thread.
TEST_F(PgAsync, CoroutineTransactionsFromOneThreadAreInFlightTogether) {
  constexpr int kConcurrent = 3;
  auto db = Open({.pool_size = kConcurrent});
  auto admin = Open({.pool_size = 2});
  ASSERT_TRUE(db && admin);
  EXPECT_TRUE(db->native_async());

  std::promise<void> locked, release;
  auto release_f = release.get_future();
  std::thread holder([&] {
    (void)admin->Write([&](Tx& tx) -> Result<void> {
      auto r = tx.Query("SELECT pg_advisory_xact_lock(4242)");
      locked.set_value();
      release_f.wait();
      return r ? Ok() : Result<void>(r.error());
    });
  });
  locked.get_future().wait();

  boost::asio::io_context io;
  boost::asio::io_context never_run;  // the driver must not need the blocking executor
  std::vector<Result<std::int64_t>> results;
  std::vector<std::thread::id> resumed_on;
  for (int i = 0; i < kConcurrent; ++i) {
    boost::asio::co_spawn(
        io,
        [&, i]() -> Task<void> {
          auto r = co_await db->ReadAsync<std::int64_t>(
              [i](AsyncTx& tx) -> Task<Result<std::int64_t>> {
                std::vector<Param> params = {i};
                auto row = co_await tx.QueryOne("SELECT $1::bigint FROM pg_advisory_xact_lock_shared(4242)",
                                                std::move(params));
                if (!row) co_return row.error();
                co_return (*row)->Int(0);
              },
              never_run.get_executor());
          resumed_on.push_back(std::this_thread::get_id());
          results.push_back(std::move(r));
        },
        boost::asio::detached);
  }
  std::thread::id io_thread_id;
  std::thread io_thread([&] {
    io_thread_id = std::this_thread::get_id();
    io.run();
  });

  // All of them wait on the lock at the same time (bounded wait, not a timing assertion).
  std::int64_t waiting = 0;
  for (int i = 0; i < 1000 && waiting < kConcurrent; ++i) {
    waiting = ScalarInt(*admin, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'");
    if (waiting < kConcurrent) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(waiting, kConcurrent);
  release.set_value();
  holder.join();
  io_thread.join();

  ASSERT_EQ(results.size(), static_cast<std::size_t>(kConcurrent));
  std::int64_t sum = 0;
  for (auto& r : results) {
    ASSERT_TRUE(r) << r.error().detail;
    sum += *r;
  }
  EXPECT_EQ(sum, 0 + 1 + 2);
  for (auto id : resumed_on) EXPECT_EQ(id, io_thread_id);
}

TEST_F(PgAsync, CoroutineWriteCommitsRunsListenersAndAnErrorRollsBack) {
  auto db = Open({.pool_size = 2});
  ASSERT_TRUE(db);
  ASSERT_TRUE(Exec(*db, "CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  std::atomic<int> commits{0};
  db->OnCommit([&] { ++commits; });
  boost::asio::io_context io;
  auto insert = [&](std::int64_t id, bool fail) {
    return db->WriteAsync<std::int64_t>(
        [id, fail](AsyncTx& tx) -> Task<Result<std::int64_t>> {
          std::vector<Param> params = {id};
          auto n = co_await tx.Exec("INSERT INTO t VALUES ($1)", std::move(params));
          if (!n) co_return n.error();
          if (fail) co_return Error::BadRequest("no");
          co_return *n;
        },
        io.get_executor());
  };
  auto ok = boost::asio::co_spawn(io, insert(1, false), boost::asio::use_future);
  auto bad = boost::asio::co_spawn(io, insert(2, true), boost::asio::use_future);
  auto dup = boost::asio::co_spawn(io, insert(1, false), boost::asio::use_future);
  io.run();
  auto r_ok = ok.get();
  auto r_bad = bad.get();
  auto r_dup = dup.get();
  // `ok` and `dup` race for id 1: exactly one wins.
  EXPECT_NE(r_ok.has_value(), r_dup.has_value());
  const auto& loser = r_ok ? r_dup : r_ok;
  EXPECT_EQ(loser.error().code, Errc::kConflict);
  ASSERT_FALSE(r_bad);
  EXPECT_EQ(r_bad.error().code, Errc::kBadRequest);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 1);
  EXPECT_EQ(commits.load(), 1);  // the winning insert (the listener came after CREATE TABLE)
}

TEST_F(PgAsync, CoroutineAcquireOnAnExhaustedPoolFailsAfterTheTimeoutWithoutBlocking) {
  auto db = Open({.pool_size = 1, .acquire_timeout = std::chrono::milliseconds(300)});
  ASSERT_TRUE(db);
  std::optional<ConnectionHolder> holder(std::in_place, *db);
  boost::asio::io_context io;
  bool timer_ran = false;
  boost::asio::steady_timer tick(io, std::chrono::milliseconds(50));
  tick.async_wait([&](auto) { timer_ran = true; });  // the I/O thread stays free while it waits
  auto r = boost::asio::co_spawn(
      io, db->ReadAsync<int>([](AsyncTx&) -> Task<Result<int>> { co_return 1; }, io.get_executor()),
      boost::asio::use_future);
  io.run();
  holder.reset();
  auto res = r.get();
  ASSERT_FALSE(res);
  EXPECT_EQ(res.error().detail, "database pool exhausted");
  EXPECT_TRUE(timer_ran);
}

}  // namespace
}  // namespace shop::db::pgtest

namespace shop::db::pgtest {
namespace {

// Shutdown: a coroutine transaction stuck on the server is ended by Quiesce (it fails, nothing
// commits) instead of completing later into an executor that is gone.
TEST_F(PgAsync, QuiesceEndsACoroutineTransactionStillInFlight) {
  auto db = Open({.pool_size = 2});
  auto admin = Open({.pool_size = 2});
  ASSERT_TRUE(db && admin);
  std::promise<void> locked, release;
  auto release_f = release.get_future();
  std::thread holder([&] {
    (void)admin->Write([&](Tx& tx) -> Result<void> {
      auto r = tx.Query("SELECT pg_advisory_xact_lock(4343)");
      locked.set_value();
      release_f.wait();
      return r ? Ok() : Result<void>(r.error());
    });
  });
  locked.get_future().wait();

  boost::asio::io_context io;
  auto stuck = boost::asio::co_spawn(
      io,
      db->ReadAsync<int>(
          [](AsyncTx& tx) -> Task<Result<int>> {
            auto r = co_await tx.Query("SELECT pg_advisory_xact_lock_shared(4343)");
            if (!r) co_return r.error();
            co_return 1;
          },
          io.get_executor()),
      boost::asio::use_future);
  std::thread io_thread([&] { io.run(); });
  std::int64_t waiting = 0;
  for (int i = 0; i < 1000 && waiting < 1; ++i) {  // bounded wait until it waits on the lock
    waiting = ScalarInt(*admin, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                "AND wait_event_type = 'Lock'");
    if (waiting < 1) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(waiting, 1);

  db->Quiesce(std::chrono::milliseconds(100));
  io_thread.join();  // the coroutine completed: io.run() ran out of work
  auto r = stuck.get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  release.set_value();
  holder.join();
  EXPECT_TRUE(db->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));  // the pool reconnects
}

}  // namespace
}  // namespace shop::db::pgtest
