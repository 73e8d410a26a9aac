// Pool bounds and reconnection against a real server.
#include <chrono>
#include <future>
#include <thread>

#include "pg_test_env.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::db::pgtest {
namespace {

using PgPool = PgTest;
using namespace std::chrono_literals;

TEST_F(PgPool, ExhaustedPoolFailsWithUnavailableAfterTheAcquireTimeout) {
  auto db = Open({.pool_size = 1, .acquire_timeout = 300ms});
  ASSERT_TRUE(db);
  std::optional<ConnectionHolder> holder(std::in_place, *db);
  const metrics::Labels labels = {{"driver", "postgres"}};
  const double exhausted_before = metrics::Value("shop_db_pool_exhausted_total", labels);
  const auto t0 = std::chrono::steady_clock::now();
  auto r = db->Read([](Tx& tx) { return tx.Query("SELECT 1"); });
  const auto waited = std::chrono::steady_clock::now() - t0;
  holder.reset();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_EQ(r.error().detail, "database pool exhausted");
  EXPECT_GE(waited, 290ms);
  EXPECT_LT(waited, 5s);
  EXPECT_EQ(metrics::Value("shop_db_pool_exhausted_total", labels), exhausted_before + 1);
  EXPECT_TRUE(db->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));  // free again
}

TEST_F(PgPool, PoolNeverOpensMoreThanItsSize) {
  auto db = Open({.pool_size = 3});
  auto admin = Open({.pool_size = 1});
  ASSERT_TRUE(db && admin);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 5; ++k) {
        auto r = db->Read([](Tx& tx) { return tx.Query("SELECT pg_sleep(0.01)"); });
        EXPECT_TRUE(r) << (r ? "" : r.error().detail);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ScalarInt(*admin, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                              "AND application_name = 'shop' AND pid <> pg_backend_pid()"),
            3);
}

std::int64_t BackendPid(Database& db) {
  auto r = db.Read([](Tx& tx) { return tx.QueryOne("SELECT pg_backend_pid()"); });
  EXPECT_TRUE(r && *r);
  return r && *r ? (*r)->Int(0) : -1;
}

void Terminate(Database& admin, std::int64_t pid) {
  auto r = admin.Read([&](Tx& tx) { return tx.QueryOne("SELECT pg_terminate_backend($1)", {pid}); });
  ASSERT_TRUE(r && *r) << (r ? "" : r.error().detail);
  ASSERT_TRUE((*r)->Bool(0));
  // Wait until the backend is gone, so the test does not race the server.
  for (int i = 0; i < 200; ++i) {
    auto n = admin.Read([&](Tx& tx) { return tx.QueryOne("SELECT count(*) FROM pg_stat_activity WHERE pid = $1", {pid}); });
    if (n && *n && (*n)->Int(0) == 0) return;
    std::this_thread::sleep_for(10ms);
  }
  FAIL() << "backend " << pid << " did not exit";
}

TEST_F(PgPool, IdleConnectionKilledByTheServerIsReplacedTransparently) {
  auto db = Open({.pool_size = 1});
  auto admin = Open({.pool_size = 1});
  ASSERT_TRUE(db && admin);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  const auto pid = BackendPid(*db);
  Terminate(*admin, pid);
  const double reconnects_before = metrics::Value("shop_db_reconnects_total", {{"driver", "postgres"}});
  auto r = Exec(*db, "INSERT INTO t VALUES (1)");
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(metrics::Value("shop_db_reconnects_total", {{"driver", "postgres"}}), reconnects_before + 1);
  EXPECT_NE(BackendPid(*db), pid);
  EXPECT_EQ(ScalarInt(*admin, "SELECT count(*) FROM t"), 1);
  EXPECT_TRUE(db->Ping());
}

TEST_F(PgPool, ConnectionLostMidTransactionIsUnavailableAndTheNextOneReconnects) {
  auto db = Open({.pool_size = 1});
  auto admin = Open({.pool_size = 1});
  ASSERT_TRUE(db && admin);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto lost = db->Write([&](Tx& tx) -> Result<void> {
    auto pid = tx.QueryOne("SELECT pg_backend_pid()");
    if (!pid) return pid.error();
    if (auto e = tx.Exec("INSERT INTO t VALUES (1)"); !e) return e.error();
    Terminate(*admin, (*pid)->Int(0));
    if (auto e = tx.Exec("INSERT INTO t VALUES (2)"); !e) return e.error();
    return Ok();
  });
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Errc::kUnavailable);
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (3)"));
  EXPECT_EQ(ScalarInt(*admin, "SELECT coalesce(sum(id), 0) FROM t"), 3);  // 1 and 2 rolled back
}

TEST_F(PgPool, PingFailsWhenTheDatabaseIsGone) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  auto other = server_->CreateDatabase("gone_" + std::to_string(::getpid()));
  ASSERT_TRUE(other);
  auto gone = OpenPostgres(*other, {.pool_size = 1, .acquire_timeout = 500ms});
  ASSERT_TRUE(gone);
  EXPECT_TRUE((*gone)->Ping());
  ASSERT_TRUE(db->ExecScript("DROP DATABASE gone_" + std::to_string(::getpid()) + " WITH (FORCE)"));
  EXPECT_FALSE((*gone)->Ping());
}

TEST_F(PgPool, StatementTimeoutFromUrlOptionsIsUnavailable) {
  auto db = OpenPostgres(url_ + "?options=-c%20statement_timeout%3D100&pool_size=1");
  ASSERT_TRUE(db) << db.error().detail;
  auto r = (*db)->Read([](Tx& tx) { return tx.Query("SELECT pg_sleep(5)"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable) << r.error().detail;
  EXPECT_TRUE((*db)->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));
}

}  // namespace
}  // namespace shop::db::pgtest
