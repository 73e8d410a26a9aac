#include "infra/sql_inventory_repository.hpp"

namespace shop::product::infra {
namespace {

constexpr std::string_view kCreate =
    "INSERT INTO inventory (product_id, on_hand, reserved, updated_at) VALUES ($1, $2, 0, $3)";
constexpr std::string_view kGet =
    "SELECT i.product_id, i.on_hand, i.reserved FROM inventory i JOIN products p ON p.id = i.product_id "
    "WHERE i.product_id = $1 AND p.deleted = 0";
constexpr std::string_view kSetOnHand =
    "UPDATE inventory SET on_hand = $2, updated_at = $3 WHERE product_id = $1 AND reserved <= $2";
constexpr std::string_view kTryReserve =
    "UPDATE inventory SET reserved = reserved + $2 WHERE product_id = $1 AND on_hand - reserved >= $2 "
    "AND EXISTS (SELECT 1 FROM products p WHERE p.id = $1 AND p.deleted = 0)";
constexpr std::string_view kUnreserve =
    "UPDATE inventory SET reserved = reserved - $2 WHERE product_id = $1 AND reserved >= $2";
constexpr std::string_view kConsume =
    "UPDATE inventory SET on_hand = on_hand - $2, reserved = reserved - $2 "
    "WHERE product_id = $1 AND reserved >= $2 AND on_hand >= $2";
constexpr std::string_view kAvailable =
    "SELECT i.on_hand - i.reserved FROM inventory i JOIN products p ON p.id = i.product_id "
    "WHERE i.product_id = $1 AND p.deleted = 0";
constexpr std::string_view kHasReservation = "SELECT 1 FROM reservations WHERE order_id = $1 LIMIT 1";
constexpr std::string_view kInsertReservation =
    "INSERT INTO reservations (order_id, product_id, quantity, status, expires_at, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
constexpr std::string_view kHeldLines =
    "SELECT order_id, product_id, quantity, expires_at FROM reservations "
    "WHERE order_id = $1 AND status = 'held' ORDER BY product_id";
constexpr std::string_view kFinish =
    "UPDATE reservations SET status = $3 WHERE order_id = $1 AND product_id = $2 AND status = 'held'";
constexpr std::string_view kExpiredOrders =
    "SELECT order_id, MIN(expires_at) AS e FROM reservations WHERE status = 'held' AND expires_at <= $1 "
    "GROUP BY order_id ORDER BY e LIMIT $2";

// An update that must touch exactly one row, or the stock invariant was broken elsewhere.
Result<void> ExpectOne(const Result<std::int64_t>& r, std::string_view what) {
  if (!r) return r.error();
  if (*r != 1) return Error::Internal(std::string(what) + ": inventory row missing or invariant broken");
  return Ok();
}

}  // namespace

Result<void> SqlInventoryRepository::Create(db::Tx& tx, std::string_view product_id, std::int64_t on_hand,
                                            UnixMillis now) {
  auto r = tx.Exec(kCreate, {product_id, on_hand, now});
  if (!r) return r.error();
  return Ok();
}

Result<std::optional<StockLevel>> SqlInventoryRepository::Get(db::Tx& tx, std::string_view product_id) {
  auto row = tx.QueryOne(kGet, {product_id});
  if (!row) return row.error();
  if (!*row) return std::optional<StockLevel>{};
  return std::optional<StockLevel>{StockLevel{(*row)->Text(0), (*row)->Int(1), (*row)->Int(2)}};
}

Result<bool> SqlInventoryRepository::SetOnHand(db::Tx& tx, std::string_view product_id, std::int64_t on_hand,
                                               UnixMillis now) {
  auto r = tx.Exec(kSetOnHand, {product_id, on_hand, now});
  if (!r) return r.error();
  return *r == 1;
}

Result<bool> SqlInventoryRepository::TryReserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) {
  auto r = tx.Exec(kTryReserve, {product_id, qty});
  if (!r) return r.error();
  return *r == 1;
}

Result<void> SqlInventoryRepository::Unreserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) {
  return ExpectOne(tx.Exec(kUnreserve, {product_id, qty}), "unreserve");
}

Result<void> SqlInventoryRepository::Consume(db::Tx& tx, std::string_view product_id, std::int64_t qty) {
  return ExpectOne(tx.Exec(kConsume, {product_id, qty}), "consume");
}

Result<std::int64_t> SqlInventoryRepository::Available(db::Tx& tx, std::string_view product_id) {
  auto row = tx.QueryOne(kAvailable, {product_id});
  if (!row) return row.error();
  return *row ? (*row)->Int(0) : 0;
}

Result<bool> SqlInventoryRepository::HasReservation(db::Tx& tx, std::string_view order_id) {
  auto row = tx.QueryOne(kHasReservation, {order_id});
  if (!row) return row.error();
  return row->has_value();
}

Result<void> SqlInventoryRepository::InsertReservation(db::Tx& tx, const ReservationLine& l, UnixMillis now) {
  auto r = tx.Exec(kInsertReservation, {l.order_id, l.product_id, l.quantity, ToString(l.status), l.expires_at, now});
  if (!r) return r.error();
  return Ok();
}

Result<std::vector<ReservationLine>> SqlInventoryRepository::HeldLines(db::Tx& tx, std::string_view order_id) {
  auto rows = tx.Query(kHeldLines, {order_id});
  if (!rows) return rows.error();
  std::vector<ReservationLine> out;
  for (const auto& r : *rows) {
    out.push_back({r.Text(0), r.Text(1), r.Int(2), ReservationStatus::kHeld, r.Int(3)});
  }
  return out;
}

Result<bool> SqlInventoryRepository::Finish(db::Tx& tx, std::string_view order_id, std::string_view product_id,
                                            ReservationStatus to) {
  auto r = tx.Exec(kFinish, {order_id, product_id, ToString(to)});
  if (!r) return r.error();
  return *r == 1;
}

Result<std::vector<std::string>> SqlInventoryRepository::ExpiredOrders(db::Tx& tx, UnixMillis now, int limit) {
  auto rows = tx.Query(kExpiredOrders, {now, limit});
  if (!rows) return rows.error();
  std::vector<std::string> out;
  for (const auto& r : *rows) out.push_back(r.Text(0));
  return out;
}

}  // namespace shop::product::infra
