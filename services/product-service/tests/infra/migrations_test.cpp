// The PostgreSQL migrations mirror the SQLite ones: the same version numbers and names, and the
// ServiceSpec hands both to the host.
#include <gtest/gtest.h>

#include "wiring.hpp"

namespace shop::product {
namespace {

TEST(MigrationsTest, PostgresMigrationsHaveTheSameVersionsAsSqlite) {
  const auto sqlite = Migrations();
  const auto pg = PgMigrations();
  ASSERT_FALSE(sqlite.empty());
  ASSERT_EQ(sqlite.size(), pg.size());
  for (std::size_t i = 0; i < sqlite.size(); ++i) {
    EXPECT_EQ(sqlite[i].version, pg[i].version);
    EXPECT_EQ(sqlite[i].name, pg[i].name);
  }
  EXPECT_NE(pg[0].sql.find("USING GIN"), std::string::npos);
  EXPECT_EQ(pg[0].sql.find("fts5"), std::string::npos);
}

TEST(MigrationsTest, SpecCarriesBothSchemas) {
  const auto spec = Spec(Config{});
  EXPECT_EQ(spec.migrations.size(), Migrations().size());
  ASSERT_EQ(spec.pg_migrations.size(), PgMigrations().size());
  EXPECT_EQ(spec.pg_migrations[0].sql, PgMigrations()[0].sql);
}

}  // namespace
}  // namespace shop::product
