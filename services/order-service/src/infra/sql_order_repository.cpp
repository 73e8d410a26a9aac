#include "infra/sql_order_repository.hpp"

#include <unordered_map>

namespace shop::order::infra {
namespace {

using domain::Order;

constexpr std::string_view kOrderColumns = R"sql(
  id, user_id, status, total_cents, currency, ship_name, ship_line1, ship_line2, ship_city, ship_state,
  ship_postal_code, ship_country, failure_reason, failure_detail, payment_id, last_payment_error,
  reservation_expires_at, created_at, updated_at)sql";

constexpr std::string_view kInsertOrder = R"sql(
  INSERT INTO orders (id, user_id, status, total_cents, currency, ship_name, ship_line1, ship_line2, ship_city,
    ship_state, ship_postal_code, ship_country, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14))sql";

constexpr std::string_view kInsertItem = R"sql(
  INSERT INTO order_items (order_id, line_no, product_id, sku, name, unit_price_cents, quantity)
  VALUES ($1, $2, $3, $4, $5, $6, $7))sql";

constexpr std::string_view kSelectItems = R"sql(
  SELECT order_id, product_id, sku, name, unit_price_cents, quantity FROM order_items
  WHERE order_id = $1 ORDER BY line_no)sql";

constexpr std::string_view kUpdateOrder = R"sql(
  UPDATE orders SET status = $1, failure_reason = $2, failure_detail = $3, payment_id = $4,
    last_payment_error = $5, reservation_expires_at = $6, updated_at = $7
  WHERE id = $8 AND status = $9)sql";

constexpr std::string_view kSelectStale = R"sql(
  SELECT id FROM orders WHERE status = $1 AND created_at < $2 ORDER BY created_at LIMIT $3)sql";

const std::string& SelectOne() {
  static const std::string sql = "SELECT " + std::string(kOrderColumns) + " FROM orders WHERE id = $1";
  return sql;
}

Order FromRow(const db::Row& r) {
  Order o;
  o.id = r.Text(0);
  o.user_id = r.Text(1);
  o.status = domain::ParseStatus(r.Text(2)).value_or(domain::OrderStatus::kPending);
  o.total_cents = r.Int(3);
  o.currency = r.Text(4);
  o.shipping_address = {r.Text(5), r.Text(6), r.OptText(7), r.Text(8), r.OptText(9), r.Text(10), r.Text(11)};
  o.failure_reason = r.OptText(12);
  o.failure_detail = r.OptText(13);
  o.payment_id = r.OptText(14);
  o.last_payment_error = r.OptText(15);
  o.reservation_expires_at = r.OptInt(16);
  o.created_at = r.Int(17);
  o.updated_at = r.Int(18);
  return o;
}

domain::OrderLine LineFromRow(const db::Row& r) {
  return {r.Text(1), r.Text(2), r.Text(3), r.Int(4), r.Int(5)};
}

// The lines of a page of orders in one query (no N+1).
Result<void> LoadItems(db::Tx& tx, std::vector<Order>& orders) {
  if (orders.empty()) return Ok();
  std::string sql =
      "SELECT order_id, product_id, sku, name, unit_price_cents, quantity FROM order_items WHERE order_id IN (";
  std::vector<db::Param> params;
  std::unordered_map<std::string, Order*> by_id;
  for (auto& o : orders) {
    params.push_back(o.id);
    sql += (params.size() == 1 ? "$" : ", $") + std::to_string(params.size());
    by_id[o.id] = &o;
  }
  sql += ") ORDER BY order_id, line_no";
  auto rows = tx.Query(sql, std::move(params));
  if (!rows) return rows.error();
  for (const auto& r : *rows) {
    if (auto it = by_id.find(r.Text(0)); it != by_id.end()) it->second->items.push_back(LineFromRow(r));
  }
  return Ok();
}

Result<void> LoadItems(db::Tx& tx, Order& o) {
  auto rows = tx.Query(kSelectItems, {o.id});
  if (!rows) return rows.error();
  for (const auto& r : *rows) o.items.push_back(LineFromRow(r));
  return Ok();
}

}  // namespace

Result<void> SqlOrderRepository::Insert(db::Tx& tx, const Order& o) {
  const auto& a = o.shipping_address;
  auto ins = tx.Exec(kInsertOrder, {o.id, o.user_id, domain::ToString(o.status), o.total_cents, o.currency, a.name,
                                    a.line1, a.line2, a.city, a.state, a.postal_code, a.country, o.created_at,
                                    o.updated_at});
  if (!ins) return ins.error();
  for (std::size_t i = 0; i < o.items.size(); ++i) {
    const auto& l = o.items[i];
    auto item = tx.Exec(kInsertItem, {o.id, static_cast<std::int64_t>(i), l.product_id, l.sku, l.name,
                                      l.unit_price_cents, l.quantity});
    if (!item) return item.error();
  }
  return Ok();
}

Result<std::optional<Order>> SqlOrderRepository::Find(db::Tx& tx, std::string_view id) {
  auto row = tx.QueryOne(SelectOne(), {id});
  if (!row) return row.error();
  if (!*row) return std::optional<Order>{};
  auto o = FromRow(**row);
  if (auto items = LoadItems(tx, o); !items) return items.error();
  return std::optional<Order>{std::move(o)};
}

Task<Result<std::optional<Order>>> SqlOrderRepository::FindAsync(db::AsyncTx& tx, std::string_view id) {
  std::vector<db::Param> params = {id};  // (GCC 12: no braced list inside co_await)
  auto row = co_await tx.QueryOne(SelectOne(), params);
  if (!row) co_return row.error();
  if (!*row) co_return std::optional<Order>{};
  auto o = FromRow(**row);
  auto items = co_await tx.Query(kSelectItems, std::move(params));
  if (!items) co_return items.error();
  for (const auto& r : *items) o.items.push_back(LineFromRow(r));
  co_return std::optional<Order>{std::move(o)};
}

Result<void> SqlOrderRepository::Update(db::Tx& tx, const Order& o, domain::OrderStatus expected) {
  auto n = tx.Exec(kUpdateOrder, {domain::ToString(o.status), o.failure_reason, o.failure_detail, o.payment_id,
                                  o.last_payment_error, o.reservation_expires_at, o.updated_at, o.id,
                                  domain::ToString(expected)});
  if (!n) return n.error();
  if (*n == 0) return Error::Conflict("order changed concurrently; retry");
  return Ok();
}

Result<std::vector<Order>> SqlOrderRepository::List(db::Tx& tx, const app::OrderFilter& f) {
  std::string sql = "SELECT " + std::string(kOrderColumns) + " FROM orders WHERE 1 = 1";
  std::vector<db::Param> params;
  auto bind = [&](std::string_view clause, db::Param p) {
    params.push_back(std::move(p));
    sql += " AND ";
    sql += clause;
    sql += " $" + std::to_string(params.size());
  };
  if (f.user_id) bind("user_id =", *f.user_id);
  if (f.status) bind("status =", domain::ToString(*f.status));
  if (f.before_id) bind("id <", *f.before_id);
  params.push_back(f.limit);
  sql += " ORDER BY id DESC LIMIT $" + std::to_string(params.size());
  auto rows = tx.Query(sql, std::move(params));
  if (!rows) return rows.error();
  std::vector<Order> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(FromRow(r));
  if (auto items = LoadItems(tx, out); !items) return items.error();
  return out;
}

Result<std::vector<std::string>> SqlOrderRepository::FindStale(db::Tx& tx, domain::OrderStatus status,
                                                               UnixMillis created_before, int limit) {
  auto rows = tx.Query(kSelectStale, {domain::ToString(status), created_before, limit});
  if (!rows) return rows.error();
  std::vector<std::string> ids;
  for (const auto& r : *rows) ids.push_back(r.Text(0));
  return ids;
}

}  // namespace shop::order::infra
