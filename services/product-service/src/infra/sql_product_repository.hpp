// ProductRepository over shop::db (SQLite and PostgreSQL). Portable SQL except the full-text
// filter, which is the dialect's own and stays inside this file: SQLite FTS5 (products_fts), or
// on PostgreSQL (tx.dialect() == kPostgres) the generated tsvector column products.search with a
// GIN index and the product_search configuration: simple + unaccent (migrations/pg). Either way
// every whitespace-separated term must match as a prefix, case and accents are ignored, the
// user's text is never interpreted as query syntax, and ordering is the requested sort.
// Stateless; thread-safe.
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
  Task<Result<std::optional<Product>>> FindAsync(db::AsyncTx& tx, std::string_view id) override;
  Task<Result<std::vector<Product>>> ListAsync(db::AsyncTx& tx, const ListQuery& q) override;
};

// The user's search text as an FTS5 query: every whitespace-separated term with a letter or digit becomes a quoted
// prefix phrase ("ter""m"*), all terms must match. Empty when there is no term.
std::string Fts5Query(std::string_view text);

// The user's search text as a PostgreSQL to_tsquery('product_search', ...) argument: each run of
// ASCII letters/digits and well-formed UTF-8 characters becomes a quoted prefix lexeme 'word':*
// (ASCII lower-cased), all joined with & (every word must match). Everything else (whitespace,
// ASCII punctuation, malformed UTF-8) separates words, so the result never holds quotes,
// backslashes or operators inside a lexeme and is always a valid tsquery. Empty when no word.
std::string PgTsQuery(std::string_view text);

}  // namespace shop::product::infra
