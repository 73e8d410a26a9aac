#include <gtest/gtest.h>

#include "harness.hpp"
#include "infra/demo_catalog.hpp"

namespace shop::product {
namespace {

TEST(DemoCatalogTest, LoadsAFewHundredProductsWithStockAcrossCategoriesOnce) {
  testing::Harness h;
  auto n = LoadDemoCatalog(h.db(), h.clock);
  ASSERT_TRUE(n) << n.error().detail;
  EXPECT_GE(*n, 200);
  auto cats = h.catalog.Categories();
  ASSERT_TRUE(cats);
  EXPECT_EQ(cats->size(), 8u);
  std::int64_t total = 0;
  for (const auto& c : *cats) total += c.product_count;
  EXPECT_EQ(total, *n);
  auto page = h.catalog.List(ListQuery{.limit = 100}, std::nullopt);
  ASSERT_TRUE(page);
  int stocked = 0;
  for (const auto& p : page->items) {
    EXPECT_TRUE(Normalize(p.fields)) << p.fields.sku;
    if (p.stock_available > 0) ++stocked;
  }
  EXPECT_GT(stocked, 80);
  auto again = LoadDemoCatalog(h.db(), h.clock);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, 0);
  ListQuery q;
  q.q = "headphones";
  EXPECT_EQ(h.catalog.List(q, std::nullopt)->items.size(), 5u);
}

TEST(DemoCatalogTest, IsDeterministic) {
  testing::Harness a, b;
  ASSERT_TRUE(LoadDemoCatalog(a.db(), a.clock));
  ASSERT_TRUE(LoadDemoCatalog(b.db(), b.clock));
  auto pa = a.catalog.List(ListQuery{.sort = SortOrder::kNameAsc, .limit = 100}, std::nullopt);
  auto pb = b.catalog.List(ListQuery{.sort = SortOrder::kNameAsc, .limit = 100}, std::nullopt);
  ASSERT_TRUE(pa && pb);
  ASSERT_EQ(pa->items.size(), pb->items.size());
  for (std::size_t i = 0; i < pa->items.size(); ++i) {
    EXPECT_EQ(pa->items[i].fields.sku, pb->items[i].fields.sku);
    EXPECT_EQ(pa->items[i].fields.price_cents, pb->items[i].fields.price_cents);
    EXPECT_EQ(pa->items[i].stock_available, pb->items[i].stock_available);
  }
}

TEST(DemoCatalogTest, LargerCountsKeepSkusUnique) {
  testing::Harness h;
  auto n = LoadDemoCatalog(h.db(), h.clock, 1000);
  ASSERT_TRUE(n) << n.error().detail;
  EXPECT_EQ(*n, 1000);
  auto cats = h.catalog.Categories();
  ASSERT_TRUE(cats);
  std::int64_t total = 0;
  for (const auto& c : *cats) total += c.product_count;
  EXPECT_EQ(total, 1000);
  ListQuery q;
  q.q = "gen";
  q.limit = 5;
  EXPECT_EQ(h.catalog.List(q, std::nullopt)->items.size(), 5u);
}

}  // namespace
}  // namespace shop::product
