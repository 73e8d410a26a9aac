// shop::product::PgMigrations(): the PostgreSQL schema (migrations/pg), embedded by
// cmake/Migrations.cmake as shop::product::pg::Migrations() in this target.
#include <vector>

#include "shop/db/migrations.hpp"

namespace shop::product {
namespace pg {
std::vector<db::Migration> Migrations();  // generated
}  // namespace pg

std::vector<db::Migration> PgMigrations() { return pg::Migrations(); }

}  // namespace shop::product
