// OpenTestDatabase for product_pg_tests: one private PostgreSQL server per test process
// (shop::db::testing::PgServer, started on first use) and a fresh database per Harness, migrated
// the way the host does it (shop::runtime::OpenDatabase with the PostgreSQL migrations).
// PgEnvironment (pg_environment_test.cpp) skips every test when the server binaries are missing.
#include <atomic>
#include <mutex>

#include "harness.hpp"
#include "shop/db/pg_testing.hpp"
#include "wiring.hpp"

namespace shop::product::testing {
namespace {

db::testing::PgServer& Server() {
  static std::mutex mu;
  static std::unique_ptr<db::testing::PgServer> server;
  std::lock_guard lock(mu);
  if (!server) {
    auto started = db::testing::PgServer::Start();
    if (!started) throw ErrorException(started.error());
    server = std::move(*started);
  }
  return *server;
}

}  // namespace

std::unique_ptr<db::Database> OpenTestDatabase(const shop::testing::TempDir& /*dir*/) {
  static std::atomic<int> counter{0};
  auto url = Server().CreateDatabase("product_" + std::to_string(++counter));
  if (!url) throw ErrorException(url.error());
  auto db = runtime::OpenDatabase(*url, kServiceName, Migrations(), PgMigrations());
  if (!db) throw ErrorException(db.error());
  return std::move(*db);
}

}  // namespace shop::product::testing
