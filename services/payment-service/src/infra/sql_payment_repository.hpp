// PaymentRepository over shop::db (portable SQL: SQLite now, PostgreSQL later). Stateless; every
// call runs inside the caller's transaction.
#pragma once

#include "app/ports.hpp"

namespace shop::payment::infra {

class SqlPaymentRepository final : public app::PaymentRepository {
 public:
  Result<void> Insert(db::Tx& tx, const domain::Payment& p) override;
  Result<std::optional<domain::Payment>> FindById(db::Tx& tx, std::string_view id) override;
  Result<std::optional<domain::Payment>> FindCaptured(db::Tx& tx, std::string_view order_id) override;
  Result<void> UpdateStatus(db::Tx& tx, const domain::Payment& p) override;
  Result<std::vector<domain::Payment>> List(db::Tx& tx, const app::ListFilter& filter) override;
};

}  // namespace shop::payment::infra
