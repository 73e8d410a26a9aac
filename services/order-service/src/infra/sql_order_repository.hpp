// OrderRepository over shop::db (portable SQL: $N placeholders, integer timestamps), used with
// SQLite in the embedded shape. Stateless; thread-safe.
#pragma once

#include "app/ports.hpp"

namespace shop::order::infra {

class SqlOrderRepository final : public app::OrderRepository {
 public:
  Result<void> Insert(db::Tx& tx, const domain::Order& order) override;
  Result<std::optional<domain::Order>> Find(db::Tx& tx, std::string_view id) override;
  Task<Result<std::optional<domain::Order>>> FindAsync(db::AsyncTx& tx, std::string_view id) override;
  Result<void> Update(db::Tx& tx, const domain::Order& order, domain::OrderStatus expected) override;
  Result<std::vector<domain::Order>> List(db::Tx& tx, const app::OrderFilter& filter) override;
  Result<std::vector<std::string>> FindStale(db::Tx& tx, domain::OrderStatus status, UnixMillis created_before,
                                             int limit) override;
};

}  // namespace shop::order::infra
