// The driver's asynchronous machinery: round trips saved by pipeline mode, and a connection
// attempt bounded by connect_timeout on the loop (libpq's nonblocking connect has no timer).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>

#include "pg_test_env.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::db::pgtest {
namespace {

using PgAsync = PgTest;

double RoundTrips() { return metrics::Value("shop_db_round_trips_total", {{"driver", "postgres"}}); }

TEST_F(PgAsync, ReadOfOneStatementTakesTwoRoundTripsBeginTravellingWithIt) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));  // prepared now
  const double before = RoundTrips();
  auto r = db->Read([](Tx& tx) { return tx.QueryOne("SELECT 1"); });
  ASSERT_TRUE(r && *r);
  EXPECT_EQ((*r)->Int(0), 1);
  EXPECT_EQ(RoundTrips() - before, 2);  // [BEGIN, SELECT] then [COMMIT]
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
