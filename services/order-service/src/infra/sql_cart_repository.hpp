// CartRepository over shop::db: table cart_items(user_id, product_id, quantity, updated_at).
// Stateless; thread-safe.
#pragma once

#include "app/ports.hpp"

namespace shop::order::infra {

class SqlCartRepository final : public app::CartRepository {
 public:
  Result<std::vector<app::CartLine>> Lines(db::Tx& tx, std::string_view user_id) override;
  Result<void> Put(db::Tx& tx, std::string_view user_id, std::string_view product_id, std::int64_t quantity,
                   UnixMillis now) override;
  Result<bool> Remove(db::Tx& tx, std::string_view user_id, std::string_view product_id) override;
  Result<void> Clear(db::Tx& tx, std::string_view user_id) override;
};

}  // namespace shop::order::infra
