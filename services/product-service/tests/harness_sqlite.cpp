// OpenTestDatabase for product_tests: SQLite in the Harness's scratch directory, migrated the way
// the host does it (shop::runtime::OpenDatabase).
#include "harness.hpp"
#include "wiring.hpp"

namespace shop::product::testing {

std::unique_ptr<db::Database> OpenTestDatabase(const shop::testing::TempDir& dir) {
  auto db = runtime::OpenDatabase("sqlite://" + (dir.path() / "product.db").string(), kServiceName, Migrations(),
                                  PgMigrations());
  if (!db) throw ErrorException(db.error());
  return std::move(*db);
}

}  // namespace shop::product::testing
