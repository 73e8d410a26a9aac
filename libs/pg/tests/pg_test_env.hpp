// Shared fixture for the PostgreSQL driver tests: one private server per test binary (started on
// first use, stopped at exit), a fresh database per test. Skips when PostgreSQL is not installed.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "shop/db/pg.hpp"
#include "shop/db/pg_testing.hpp"

namespace shop::db::pgtest {

inline Result<testing::PgServer*>& SharedServer() {
  static std::unique_ptr<testing::PgServer> server;
  static Result<testing::PgServer*> state = [] () -> Result<testing::PgServer*> {
    auto s = testing::PgServer::Start();
    if (!s) return s.error();
    server = std::move(*s);
    return server.get();
  }();
  return state;
}

// Holds one pooled connection of `db` in a read transaction on its own thread until destroyed.
class ConnectionHolder {
 public:
  explicit ConnectionHolder(Database& db) {
    auto release = release_.get_future().share();
    std::promise<void> holding;
    auto held = holding.get_future();
    thread_ = std::thread([&db, release, holding = std::move(holding)]() mutable {
      (void)db.Read([&](Tx&) -> Result<void> {
        holding.set_value();
        release.wait();
        return Ok();
      });
    });
    held.wait();
  }
  ~ConnectionHolder() {
    release_.set_value();
    thread_.join();
  }
  ConnectionHolder(const ConnectionHolder&) = delete;
  ConnectionHolder& operator=(const ConnectionHolder&) = delete;

 private:
  std::promise<void> release_;
  std::thread thread_;
};

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = SharedServer();
    if (!server) GTEST_SKIP() << "PostgreSQL test server unavailable: " << server.error().detail;
    server_ = *server;
    static std::atomic<int> counter{0};
    auto url = server_->CreateDatabase("t" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    ASSERT_TRUE(url) << url.error().detail;
    url_ = *url;
  }

  std::unique_ptr<Database> Open(PgOptions options = {}) {
    auto db = OpenPostgres(url_, options);
    EXPECT_TRUE(db) << (db ? "" : db.error().detail);
    return db ? std::move(*db) : nullptr;
  }

  static Result<std::int64_t> Exec(Database& db, std::string_view sql, std::vector<Param> params = {}) {
    return db.Write([&](Tx& tx) { return tx.Exec(sql, params); });
  }

  static std::int64_t ScalarInt(Database& db, std::string_view sql, std::vector<Param> params = {}) {
    auto r = db.Read([&](Tx& tx) -> Result<std::int64_t> {
      auto row = tx.QueryOne(sql, params);
      if (!row) return row.error();
      if (!*row) return Error::NotFound("no row");
      return (*row)->Int(0);
    });
    EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    return r ? *r : -1;
  }

  testing::PgServer* server_ = nullptr;
  std::string url_;
};

}  // namespace shop::db::pgtest
