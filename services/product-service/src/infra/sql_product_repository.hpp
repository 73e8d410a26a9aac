// ProductRepository over shop::db. Portable SQL except the full-text filter, which is the
// dialect's own (SQLite FTS5 here; PostgreSQL tsvector + GIN in the distributed shape) and stays
// inside this file. Stateless; thread-safe.
#pragma once

#include "app/ports.hpp"

namespace shop::product::infra {

class SqlProductRepository final : public ProductRepository {
 public:
  Result<void> Insert(db::Tx& tx, const Product& p) override;
  Result<void> Update(db::Tx& tx, const Product& p) override;
  Result<std::optional<Product>> Find(db::Tx& tx, std::string_view id) override;
  Result<std::vector<Product>> List(db::Tx& tx, const ListQuery& q) override;
  Result<std::vector<CategoryCount>> Categories(db::Tx& tx) override;
  Result<std::int64_t> CountLive(db::Tx& tx) override;
};

// The user's search text as an FTS5 query: every whitespace-separated term with a letter or digit becomes a quoted
// prefix phrase ("ter""m"*), all terms must match. Empty when there is no term.
std::string Fts5Query(std::string_view text);

}  // namespace shop::product::infra
