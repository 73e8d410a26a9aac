#include "infra/sql_product_repository.hpp"

namespace shop::product::infra {
namespace {

constexpr std::string_view kColumns =
    "p.id, p.sku, p.name, p.description, p.price_cents, p.currency, p.category, p.version, p.created_at, "
    "p.updated_at, COALESCE(i.on_hand - i.reserved, 0)";

constexpr std::string_view kSelectOne =
    "SELECT p.id, p.sku, p.name, p.description, p.price_cents, p.currency, p.category, p.version, p.created_at, "
    "p.updated_at, COALESCE(i.on_hand - i.reserved, 0) "
    "FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE p.id = $1 AND p.deleted = 0";

constexpr std::string_view kInsert =
    "INSERT INTO products (id, sku, name, name_key, description, price_cents, currency, category, deleted, version, "
    "created_at, updated_at) VALUES ($1, $2, $3, $11, $4, $5, $6, $7, 0, $8, $9, $10)";

constexpr std::string_view kUpdate =
    "UPDATE products SET sku = $2, name = $3, name_key = $11, description = $4, price_cents = $5, currency = $6, "
    "category = $7, deleted = $8, version = $9, updated_at = $10 WHERE id = $1";

constexpr std::string_view kCategories =
    "SELECT category, COUNT(*) FROM products WHERE deleted = 0 GROUP BY category ORDER BY category";

constexpr std::string_view kCountLive = "SELECT COUNT(*) FROM products WHERE deleted = 0";

constexpr std::string_view kListFrom = " FROM products p LEFT JOIN inventory i ON i.product_id = p.id WHERE p.deleted = 0";

// The full-text filter per dialect; the placeholder follows and then ")". SQLite: the FTS5 table
// (content = products, rowid = seq). PostgreSQL: the generated tsvector column `search` (GIN
// index products_search) under the product_search configuration (simple + unaccent, migrations/pg).
constexpr std::string_view kSqliteSearchOpen = " AND p.seq IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ";
constexpr std::string_view kPgSearchOpen = " AND p.search @@ to_tsquery('product_search', ";

Product FromRow(const db::Row& r) {
  Product p;
  p.id = r.Text(0);
  p.fields.sku = r.Text(1);
  p.fields.name = r.Text(2);
  p.fields.description = r.Text(3);
  p.fields.price_cents = r.Int(4);
  p.fields.currency = r.Text(5);
  p.fields.category = r.Text(6);
  p.version = r.Int(7);
  p.created_at = r.Int(8);
  p.updated_at = r.Int(9);
  p.stock_available = r.Int(10);
  return p;
}

// Maps a unique violation on the live-SKU index to a field-level conflict.
Error SkuConflictOr(Error e) {
  if (e.code == Errc::kConflict) return Error::Conflict("a product with this sku already exists");
  return e;
}

std::string_view KeyColumn(SortOrder s) {
  switch (s) {
    case SortOrder::kPriceAsc:
    case SortOrder::kPriceDesc:
      return "p.price_cents";
    case SortOrder::kNameAsc:
      return "p.name_key";
    case SortOrder::kCreatedAsc:
    case SortOrder::kCreatedDesc:
      return "p.created_at";
  }
  return "p.created_at";
}

}  // namespace

std::string Fts5Query(std::string_view text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    std::size_t j = i;
    while (j < text.size() && !(text[j] == ' ' || text[j] == '\t' || text[j] == '\n' || text[j] == '\r')) ++j;
    const auto term = text.substr(i, j - i);
    bool searchable = false;  // a term of only punctuation has no tokens to match
    for (unsigned char c : term) {
      if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) searchable = true;
    }
    if (searchable) {
      if (!out.empty()) out += ' ';
      out += '"';
      for (char c : term) {
        if (c == '"') out += '"';  // FTS5 string escape: a double quote is doubled
        out += c;
      }
      out += "\"*";
    }
    i = j;
  }
  return out;
}

std::string PgTsQuery(std::string_view text) {
  // The same separators as the `search` column's regexp_replace: every ASCII byte that is not a
  // letter or digit (whitespace included). A well-formed UTF-8 sequence is part of a word; a byte
  // of a malformed one is a separator, since PostgreSQL rejects invalid UTF-8 parameters.
  auto ascii_word = [](unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  };
  auto utf8_length = [&](std::size_t at) -> std::size_t {  // 0: not a well-formed sequence
    const auto lead = static_cast<unsigned char>(text[at]);
    std::size_t n = 0;
    if (lead >= 0xC2 && lead <= 0xDF) n = 2;
    else if (lead >= 0xE0 && lead <= 0xEF) n = 3;
    else if (lead >= 0xF0 && lead <= 0xF4) n = 4;
    if (n == 0 || at + n > text.size()) return 0;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(text[at + k]) & 0xC0) != 0x80) return 0;
    }
    const auto second = static_cast<unsigned char>(text[at + 1]);
    if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
        (lead == 0xF4 && second > 0x8F)) {
      return 0;  // overlong, surrogate or beyond U+10FFFF
    }
    return n;
  };
  std::string out;
  std::string word;
  auto flush = [&] {
    if (word.empty()) return;
    if (!out.empty()) out += " & ";
    out += '\'';
    out += word;
    out += "':*";
    word.clear();
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (ascii_word(c)) {
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
      ++i;
    } else if (const std::size_t n = c >= 0x80 ? utf8_length(i) : 0; n > 0) {
      word.append(text.substr(i, n));
      i += n;
    } else {
      flush();
      ++i;
    }
  }
  flush();
  return out;
}

Result<void> SqlProductRepository::Insert(db::Tx& tx, const Product& p) {
  const auto& f = p.fields;
  auto r = tx.Exec(kInsert, {p.id, f.sku, f.name, f.description, f.price_cents, f.currency, f.category, p.version,
                             p.created_at, p.updated_at, NameSortKey(f.name)});
  if (!r) return SkuConflictOr(r.error());
  return Ok();
}

Result<void> SqlProductRepository::Update(db::Tx& tx, const Product& p) {
  const auto& f = p.fields;
  auto r = tx.Exec(kUpdate, {p.id, f.sku, f.name, f.description, f.price_cents, f.currency, f.category, p.deleted,
                             p.version, p.updated_at, NameSortKey(f.name)});
  if (!r) return SkuConflictOr(r.error());
  if (*r == 0) return Error::NotFound("product not found");
  return Ok();
}

Result<std::optional<Product>> SqlProductRepository::Find(db::Tx& tx, std::string_view id) {
  auto row = tx.QueryOne(kSelectOne, {id});
  if (!row) return row.error();
  if (!*row) return std::optional<Product>{};
  return std::optional<Product>{FromRow(**row)};
}

namespace {

// The list query for `q` in `dialect`; nullopt when the search text has nothing searchable (the
// answer is empty without asking the database).
struct ListStatement {
  std::string sql;
  std::vector<db::Param> params;
};

std::optional<ListStatement> BuildList(db::Dialect dialect, const ListQuery& q) {
  ListStatement st;
  std::string& sql = st.sql;
  sql = "SELECT ";
  sql += kColumns;
  sql += kListFrom;
  auto next = [&](db::Param v) {
    st.params.push_back(std::move(v));
    return "$" + std::to_string(st.params.size());
  };
  if (q.q) {
    const bool pg = dialect == db::Dialect::kPostgres;
    const std::string text_query = pg ? PgTsQuery(*q.q) : Fts5Query(*q.q);
    if (text_query.empty()) return std::nullopt;  // searched for nothing searchable
    sql += pg ? kPgSearchOpen : kSqliteSearchOpen;
    sql += next(text_query) + ")";
  }
  if (q.category) sql += " AND p.category = " + next(*q.category);
  if (q.min_price) sql += " AND p.price_cents >= " + next(*q.min_price);
  if (q.max_price) sql += " AND p.price_cents <= " + next(*q.max_price);
  const std::string_view key = KeyColumn(q.sort);
  const bool desc = IsDescending(q.sort);
  if (q.after) {
    // Row-value comparison (SQLite >= 3.15, PostgreSQL): strictly after the last item seen.
    sql += " AND (";
    sql += key;
    sql += ", p.id) ";
    sql += desc ? "<" : ">";
    sql += " (";
    sql += q.sort == SortOrder::kNameAsc ? next(q.after->text_key) : next(q.after->int_key);
    sql += ", " + next(q.after->id) + ")";
  }
  sql += " ORDER BY ";
  sql += key;
  sql += desc ? " DESC, p.id DESC" : " ASC, p.id ASC";
  sql += " LIMIT " + next(q.limit + 1);
  return st;
}

std::vector<Product> FromRows(const db::Rows& rows) {
  std::vector<Product> out;
  out.reserve(rows.size());
  for (const auto& r : rows) out.push_back(FromRow(r));
  return out;
}

}  // namespace

Result<std::vector<Product>> SqlProductRepository::List(db::Tx& tx, const ListQuery& q) {
  auto st = BuildList(tx.dialect(), q);
  if (!st) return std::vector<Product>{};
  auto rows = tx.Query(st->sql, std::move(st->params));
  if (!rows) return rows.error();
  return FromRows(*rows);
}

Task<Result<std::vector<Product>>> SqlProductRepository::ListAsync(db::AsyncTx& tx, const ListQuery& q) {
  auto st = BuildList(tx.dialect(), q);
  if (!st) co_return std::vector<Product>{};
  auto rows = co_await tx.Query(st->sql, std::move(st->params));
  if (!rows) co_return rows.error();
  co_return FromRows(*rows);
}

Task<Result<std::optional<Product>>> SqlProductRepository::FindAsync(db::AsyncTx& tx, std::string_view id) {
  std::vector<db::Param> params = {id};  // (GCC 12: no braced list inside co_await)
  auto row = co_await tx.QueryOne(kSelectOne, std::move(params));
  if (!row) co_return row.error();
  if (!*row) co_return std::optional<Product>{};
  co_return std::optional<Product>{FromRow(**row)};
}

Result<std::vector<CategoryCount>> SqlProductRepository::Categories(db::Tx& tx) {
  auto rows = tx.Query(kCategories);
  if (!rows) return rows.error();
  std::vector<CategoryCount> out;
  for (const auto& r : *rows) out.push_back({r.Text(0), r.Int(1)});
  return out;
}

Result<std::int64_t> SqlProductRepository::CountLive(db::Tx& tx) {
  auto row = tx.QueryOne(kCountLive);
  if (!row) return row.error();
  return *row ? (*row)->Int(0) : 0;
}

}  // namespace shop::product::infra
