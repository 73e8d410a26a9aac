#include "infra/sql_cart_repository.hpp"

namespace shop::order::infra {
namespace {

constexpr std::string_view kSelectLines = R"sql(
  SELECT product_id, quantity, updated_at FROM cart_items WHERE user_id = $1
  ORDER BY updated_at, product_id)sql";

// Portable upsert (SQLite >= 3.24 and PostgreSQL share this syntax).
constexpr std::string_view kUpsert = R"sql(
  INSERT INTO cart_items (user_id, product_id, quantity, updated_at) VALUES ($1, $2, $3, $4)
  ON CONFLICT (user_id, product_id) DO UPDATE SET quantity = excluded.quantity, updated_at = excluded.updated_at)sql";

constexpr std::string_view kDeleteLine = "DELETE FROM cart_items WHERE user_id = $1 AND product_id = $2";
constexpr std::string_view kDeleteAll = "DELETE FROM cart_items WHERE user_id = $1";

}  // namespace

Result<std::vector<app::CartLine>> SqlCartRepository::Lines(db::Tx& tx, std::string_view user_id) {
  auto rows = tx.Query(kSelectLines, {user_id});
  if (!rows) return rows.error();
  std::vector<app::CartLine> lines;
  lines.reserve(rows->size());
  for (const auto& r : *rows) lines.push_back({r.Text(0), r.Int(1), r.Int(2)});
  return lines;
}

Result<void> SqlCartRepository::Put(db::Tx& tx, std::string_view user_id, std::string_view product_id,
                                    std::int64_t quantity, UnixMillis now) {
  auto n = tx.Exec(kUpsert, {user_id, product_id, quantity, now});
  if (!n) return n.error();
  return Ok();
}

Result<bool> SqlCartRepository::Remove(db::Tx& tx, std::string_view user_id, std::string_view product_id) {
  auto n = tx.Exec(kDeleteLine, {user_id, product_id});
  if (!n) return n.error();
  return *n > 0;
}

Result<void> SqlCartRepository::Clear(db::Tx& tx, std::string_view user_id) {
  auto n = tx.Exec(kDeleteAll, {user_id});
  if (!n) return n.error();
  return Ok();
}

}  // namespace shop::order::infra
