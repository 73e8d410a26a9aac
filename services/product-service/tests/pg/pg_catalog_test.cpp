// PostgreSQL-only behaviour of the product-service (product_pg_tests, label "integration"): the
// migrations build the PostgreSQL schema (generated tsvector column with a GIN index), search runs
// through that index, and tsquery syntax in the user's text is searched for, never interpreted.
// The driver-independent suites (catalog, inventory, order consumer, routes...) run in this binary
// too, over pg/harness_pg.cpp. Every test is skipped when PostgreSQL's binaries are missing.
#include <gtest/gtest.h>

#include <set>

#include "harness.hpp"
#include "shop/db/pg.hpp"
#include "shop/db/pg_testing.hpp"
#include "wiring.hpp"

namespace shop::product {
namespace {

using testing::Harness;

class PgEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    if (!db::testing::PgServer::FindBinDir()) {
      GTEST_SKIP() << "PostgreSQL server binaries not found (apt-get install postgresql): skipping";
    }
  }
};
[[maybe_unused]] const auto* const kPgEnvironment = ::testing::AddGlobalTestEnvironment(new PgEnvironment);

std::set<std::string> Search(Harness& h, std::string text) {
  ListQuery q;
  q.q = std::move(text);
  std::set<std::string> ids;
  auto page = h.catalog.List(q, std::nullopt);
  EXPECT_TRUE(page) << page.error().detail;
  if (page) {
    for (const auto& p : page->items) ids.insert(p.id);
  }
  return ids;
}

TEST(PgCatalogTest, RunsOnPostgresWithTheTsvectorSchema) {
  Harness h;
  ASSERT_EQ(h.db().dialect(), db::Dialect::kPostgres);
  auto type = h.db().Read([](db::Tx& tx) -> Result<std::string> {
    auto row = tx.QueryOne(
        "SELECT data_type FROM information_schema.columns WHERE table_name = 'products' AND column_name = 'search'");
    if (!row) return row.error();
    if (!*row) return Error::NotFound("products.search missing");
    return (*row)->Text(0);
  });
  ASSERT_TRUE(type) << type.error().detail;
  EXPECT_EQ(*type, "tsvector");
}

TEST(PgCatalogTest, SortedTextKeysUseByteOrderWhateverTheLocale) {
  Harness h;
  auto rows = h.db().Read([](db::Tx& tx) -> Result<db::Rows> {
    return tx.Query(
        "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE collation_name = 'C' "
        "AND table_name IN ('products', 'inventory', 'reservations') ORDER BY 1");
  });
  ASSERT_TRUE(rows) << rows.error().detail;
  std::vector<std::string> columns;
  for (const auto& r : *rows) columns.push_back(r.Text(0));
  EXPECT_EQ(columns, (std::vector<std::string>{"inventory.product_id", "products.category", "products.id",
                                               "products.name_key", "reservations.order_id",
                                               "reservations.product_id"}));
}

TEST(PgCatalogTest, SearchUsesTheGinIndex) {
  Harness h;
  h.Add("LMP-1", 1000, "home", 0, "Brass Desk Lamp");
  auto plan = h.db().Write([](db::Tx& tx) -> Result<std::string> {
    if (auto r = tx.Exec("SET LOCAL enable_seqscan = off"); !r) return r.error();
    auto rows = tx.Query("EXPLAIN SELECT id FROM products WHERE search @@ to_tsquery('product_search', $1)", {"'lamp':*"});
    if (!rows) return rows.error();
    std::string text;
    for (const auto& r : *rows) text += r.Text(0) + "\n";
    return text;
  });
  ASSERT_TRUE(plan) << plan.error().detail;
  EXPECT_NE(plan->find("products_search"), std::string::npos) << *plan;
}

TEST(PgCatalogTest, TsquerySyntaxInTheUsersTextIsSearchedForLiterally) {
  Harness h;
  auto lamp = h.Add("LMP-778", 1000, "home", 0, "Brass Desk Lamp", "Warm light for reading");
  auto mug = h.Add("MUG-001", 500, "kitchen", 0, "Coffee Mug", "Holds a generous espresso");
  using Ids = std::set<std::string>;
  // Operators and quotes are separators, so what is left must all match: never an error.
  EXPECT_EQ(Search(h, "lamp & !mug"), (Ids{}));
  EXPECT_EQ(Search(h, "lamp | mug"), (Ids{}));
  EXPECT_EQ(Search(h, "!lamp"), (Ids{lamp.id}));
  EXPECT_EQ(Search(h, "'lamp'"), (Ids{lamp.id}));
  EXPECT_EQ(Search(h, "lamp:*"), (Ids{lamp.id}));
  EXPECT_EQ(Search(h, "lamp:A"), (Ids{}));
  EXPECT_EQ(Search(h, "\\lamp\\"), (Ids{lamp.id}));
  EXPECT_EQ(Search(h, "desk<->lamp"), (Ids{lamp.id}));
  EXPECT_EQ(Search(h, "(coffee)"), (Ids{mug.id}));
  EXPECT_EQ(Search(h, "'); DROP TABLE products; --"), (Ids{}));
  EXPECT_EQ(Search(h, "&|!():*'\\"), (Ids{}));
  EXPECT_EQ(Search(h, "COF"), (Ids{mug.id}));
  EXPECT_EQ(Search(h, "mug.001"), (Ids{mug.id}));
  EXPECT_EQ(Search(h, "\xffmug\xc3"), (Ids{mug.id}));  // malformed UTF-8 is a separator, not an error
}

TEST(PgCatalogTest, SearchIgnoresAccentsAndCaseOfNonAsciiWords) {
  Harness h;
  auto p = h.Add("CAF-1", 1000, "food", 0, "Café Crème", "Ärger über Größe");
  auto other = h.Add("CAF-2", 1000, "food", 0, "Cafeteria Tray");
  using Ids = std::set<std::string>;
  EXPECT_EQ(Search(h, "cafe"), (Ids{p.id, other.id}));  // prefix: "cafeteria" too
  EXPECT_EQ(Search(h, "café"), (Ids{p.id, other.id}));  // the query is unaccented as well
  EXPECT_EQ(Search(h, "CAFÉ crème"), (Ids{p.id}));
  EXPECT_EQ(Search(h, "cafétéria"), (Ids{other.id}));
  EXPECT_EQ(Search(h, "creme"), (Ids{p.id}));
  EXPECT_EQ(Search(h, "crè"), (Ids{p.id}));
  EXPECT_EQ(Search(h, "größe"), (Ids{p.id}));
  EXPECT_EQ(Search(h, "arger uber"), (Ids{p.id}));
  EXPECT_EQ(Search(h, "ÄRGER"), (Ids{p.id}));
}

TEST(PgCatalogTest, MigratingAgainFindsNothingToDo) {
  Harness h;
  auto p = h.Add("KEEP-1", 1000, "home", 5);
  auto again = db::MigrateWithLock(h.db(), kServiceName, PgMigrations());
  ASSERT_TRUE(again) << again.error().detail;
  auto versions = h.db().Read([](db::Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne("SELECT COUNT(*) FROM schema_migrations WHERE component = $1", {kServiceName});
    if (!row) return row.error();
    return *row ? (*row)->Int(0) : 0;
  });
  ASSERT_TRUE(versions) << versions.error().detail;
  EXPECT_EQ(*versions, static_cast<std::int64_t>(PgMigrations().size()));
  EXPECT_EQ(h.Stock(p.id).on_hand, 5);
}

}  // namespace
}  // namespace shop::product
