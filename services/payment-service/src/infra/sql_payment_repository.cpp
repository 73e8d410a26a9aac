#include "infra/sql_payment_repository.hpp"

namespace shop::payment::infra {
namespace {

constexpr std::string_view kColumns =
    "id, order_id, user_id, status, amount_cents, currency, failure_reason, card_brand, card_last4, "
    "provider, provider_ref, created_at, updated_at, refunded_at";

constexpr std::string_view kInsert = R"sql(
  INSERT INTO payments (id, order_id, user_id, status, amount_cents, currency, failure_reason, card_brand,
                        card_last4, provider, provider_ref, created_at, updated_at, refunded_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14))sql";

constexpr std::string_view kUpdateStatus =
    "UPDATE payments SET status = $2, refunded_at = $3, updated_at = $4 WHERE id = $1";

Result<domain::Payment> FromRow(const db::Row& r) {
  domain::Payment p;
  p.id = r.Text(0);
  p.order_id = r.Text(1);
  p.user_id = r.Text(2);
  auto status = domain::ParseStatus(r.Text(3));
  if (!status) return Error::Internal("payments row with an unknown status");
  p.status = *status;
  p.amount_cents = r.Int(4);
  p.currency = r.Text(5);
  p.failure_reason = r.OptText(6);
  p.card.brand = domain::ParseBrand(r.Text(7)).value_or(domain::CardBrand::kUnknown);
  p.card.last4 = r.Text(8);
  p.provider = r.Text(9);
  p.provider_ref = r.OptText(10);
  p.created_at = r.Int(11);
  p.updated_at = r.Int(12);
  p.refunded_at = r.OptInt(13);
  return p;
}

Result<std::optional<domain::Payment>> QueryOnePayment(db::Tx& tx, const std::string& sql,
                                                       std::vector<db::Param> params) {
  auto row = tx.QueryOne(sql, std::move(params));
  if (!row) return row.error();
  if (!*row) return std::optional<domain::Payment>{};
  auto p = FromRow(**row);
  if (!p) return p.error();
  return std::optional<domain::Payment>{std::move(*p)};
}

}  // namespace

Result<void> SqlPaymentRepository::Insert(db::Tx& tx, const domain::Payment& p) {
  auto r = tx.Exec(kInsert, {p.id, p.order_id, p.user_id, domain::ToString(p.status), p.amount_cents, p.currency,
                             p.failure_reason, domain::ToString(p.card.brand), p.card.last4, p.provider,
                             p.provider_ref, p.created_at, p.updated_at, p.refunded_at});
  if (!r) return r.error();
  return Ok();
}

Result<std::optional<domain::Payment>> SqlPaymentRepository::FindById(db::Tx& tx, std::string_view id) {
  static const std::string sql = "SELECT " + std::string(kColumns) + " FROM payments WHERE id = $1";
  return QueryOnePayment(tx, sql, {id});
}

Result<std::optional<domain::Payment>> SqlPaymentRepository::FindCaptured(db::Tx& tx, std::string_view order_id) {
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM payments WHERE order_id = $1 AND status IN ('SUCCEEDED', 'REFUNDED')";
  return QueryOnePayment(tx, sql, {order_id});
}

Result<void> SqlPaymentRepository::UpdateStatus(db::Tx& tx, const domain::Payment& p) {
  auto r = tx.Exec(kUpdateStatus, {p.id, domain::ToString(p.status), p.refunded_at, p.updated_at});
  if (!r) return r.error();
  if (*r != 1) return Error::NotFound("payment not found");
  return Ok();
}

Result<std::vector<domain::Payment>> SqlPaymentRepository::List(db::Tx& tx, const app::ListFilter& filter) {
  // Optional filters as "(CAST($n AS TEXT) IS NULL OR col = $n)" keep one statement (one prepared
  // plan); the CAST gives PostgreSQL the parameter's type.
  static const std::string sql = "SELECT " + std::string(kColumns) +
                                 " FROM payments"
                                 " WHERE (CAST($1 AS TEXT) IS NULL OR user_id = $1)"
                                 "   AND (CAST($2 AS TEXT) IS NULL OR order_id = $2)"
                                 "   AND (CAST($3 AS TEXT) IS NULL OR id < $3)"
                                 " ORDER BY id DESC LIMIT $4";
  auto rows = tx.Query(sql, {filter.user_id, filter.order_id, filter.before_id, filter.limit});
  if (!rows) return rows.error();
  std::vector<domain::Payment> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) {
    auto p = FromRow(r);
    if (!p) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

}  // namespace shop::payment::infra
