#include <gtest/gtest.h>

#include <boost/asio/thread_pool.hpp>

#include <set>

#include "harness.hpp"
#include "shop/testing/testing.hpp"

namespace shop::product {
namespace {

using testing::Fields;
using testing::Harness;

TEST(CatalogServiceTest, CreateThenGetReturnsTheProductWithZeroStock) {
  Harness h;
  auto f = Fields("LAMP-1", 2599, "home");
  f.description = "A warm desk lamp";
  auto created = h.catalog.Create(f);
  ASSERT_TRUE(created) << created.error().detail;
  auto got = h.catalog.Get(created->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->fields.sku, "LAMP-1");
  EXPECT_EQ(got->fields.description, "A warm desk lamp");
  EXPECT_EQ(got->fields.price_cents, 2599);
  EXPECT_EQ(got->fields.currency, "USD");
  EXPECT_EQ(got->stock_available, 0);
  EXPECT_EQ(got->created_at, h.clock.NowMs());
  EXPECT_EQ(h.Stock(created->id).on_hand, 0);
}

// The coroutine reads (GET handlers) answer exactly what the blocking ones do, page by page.
TEST(CatalogServiceTest, AsyncReadsMatchTheBlockingOnes) {
  Harness h;
  boost::asio::thread_pool pool(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(h.Add("ASYNC-" + std::to_string(i), 1000 + i, "toys").id);
  ASSERT_TRUE(h.catalog.Delete(ids[2]));
  auto got = shop::testing::RunAwait(h.catalog.GetAsync(ids[1], pool.get_executor()));
  ASSERT_TRUE(got) << got.error().detail;
  EXPECT_EQ(got->fields.sku, "ASYNC-1");
  EXPECT_EQ(got->fields.price_cents, 1001);
  auto gone = shop::testing::RunAwait(h.catalog.GetAsync(ids[2], pool.get_executor()));
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, Errc::kNotFound);

  ListQuery q;
  q.limit = 2;
  std::optional<std::string> cursor;
  std::vector<std::string> blocking_ids, async_ids;
  for (int page = 0; page < 3; ++page) {
    auto b = h.catalog.List(q, cursor);
    auto a = shop::testing::RunAwait(h.catalog.ListAsync(q, cursor, pool.get_executor()));
    ASSERT_TRUE(b && a);
    EXPECT_EQ(a->next_cursor.has_value(), b->next_cursor.has_value());
    for (const auto& p : b->items) blocking_ids.push_back(p.id);
    for (const auto& p : a->items) async_ids.push_back(p.id);
    if (!b->next_cursor) break;
    cursor = b->next_cursor;
  }
  EXPECT_EQ(async_ids, blocking_ids);
  EXPECT_EQ(async_ids.size(), 4u);
  auto forged = shop::testing::RunAwait(h.catalog.ListAsync(q, std::string("forged"), pool.get_executor()));
  ASSERT_FALSE(forged);
  EXPECT_EQ(forged.error().code, Errc::kBadRequest);
  pool.join();
}

TEST(CatalogServiceTest, CreatePublishesProductCreated) {
  Harness h;
  auto p = h.Add("SKU-1", 1500, "books");
  h.Drain();
  auto evs = h.recorder.Of("ProductCreated");
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0].topic, "products");
  EXPECT_EQ(evs[0].key, p.id);
  EXPECT_EQ(evs[0].data.at("id").as_string(), p.id);
  EXPECT_EQ(evs[0].data.at("sku").as_string(), "SKU-1");
  EXPECT_EQ(evs[0].data.at("price_cents").as_int64(), 1500);
  EXPECT_EQ(evs[0].data.at("currency").as_string(), "USD");
  EXPECT_EQ(evs[0].data.at("category").as_string(), "books");
  EXPECT_FALSE(evs[0].data.at("deleted").as_bool());
}

TEST(CatalogServiceTest, DuplicateSkuIsConflict) {
  Harness h;
  h.Add("DUP-1");
  auto again = h.catalog.Create(Fields("DUP-1"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict);
  auto other = h.Add("DUP-2");
  auto renamed = h.catalog.Patch(other.id, ProductPatch{.sku = "DUP-1"});
  ASSERT_FALSE(renamed);
  EXPECT_EQ(renamed.error().code, Errc::kConflict);
}

TEST(CatalogServiceTest, InvalidFieldsAreRejectedWithoutWriting) {
  Harness h;
  auto f = Fields("ok-sku");
  f.currency = "XXX";
  auto r = h.catalog.Create(f);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
  auto page = h.catalog.List({}, std::nullopt);
  ASSERT_TRUE(page);
  EXPECT_TRUE(page->items.empty());
}

TEST(CatalogServiceTest, PatchChangesOnlyGivenFieldsAndPublishesUpdate) {
  Harness h;
  auto p = h.Add("PATCH-1", 1000, "toys");
  h.clock.Advance(5000);
  auto r = h.catalog.Patch(p.id, ProductPatch{.price_cents = 1234});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fields.price_cents, 1234);
  EXPECT_EQ(r->fields.name, p.fields.name);
  EXPECT_EQ(r->fields.category, "toys");
  EXPECT_EQ(r->updated_at, h.clock.NowMs());
  EXPECT_EQ(r->created_at, p.created_at);
  auto bad = h.catalog.Patch(p.id, ProductPatch{.name = ""});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalid);
  h.Drain();
  ASSERT_EQ(h.recorder.Count("ProductUpdated"), 1u);
  EXPECT_EQ(h.recorder.Of("ProductUpdated")[0].data.at("price_cents").as_int64(), 1234);
}

TEST(CatalogServiceTest, ReplaceResetsOmittedOptionalFields) {
  Harness h;
  auto p = h.Add("REP-1", 1000, "toys", 0, "Name", "Has a description");
  auto r = h.catalog.Replace(p.id, Fields("REP-2", 2000, "games"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->fields.sku, "REP-2");
  EXPECT_EQ(r->fields.description, "");
  EXPECT_EQ(r->fields.category, "games");
  auto missing = h.catalog.Replace("no-such-id", Fields("REP-3"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::kNotFound);
}

TEST(CatalogServiceTest, SoftDeletedProductIsNotFoundAndGoneFromListsAndCategories) {
  Harness h;
  auto keep = h.Add("KEEP-1", 1000, "a");
  auto gone = h.Add("GONE-1", 1000, "b");
  ASSERT_TRUE(h.catalog.Delete(gone.id));
  auto got = h.catalog.Get(gone.id);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, Errc::kNotFound);
  auto again = h.catalog.Delete(gone.id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kNotFound);
  EXPECT_EQ(h.catalog.Patch(gone.id, {}).error().code, Errc::kNotFound);
  auto page = h.catalog.List({}, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, keep.id);
  ListQuery search;
  search.q = "GONE";
  EXPECT_TRUE(h.catalog.List(search, std::nullopt)->items.empty());
  auto cats = h.catalog.Categories();
  ASSERT_TRUE(cats);
  ASSERT_EQ(cats->size(), 1u);
  EXPECT_EQ((*cats)[0].name, "a");
  h.Drain();
  auto updates = h.recorder.Of("ProductUpdated");
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_TRUE(updates[0].data.at("deleted").as_bool());
}

TEST(CatalogServiceTest, DeletedSkuCanBeReused) {
  Harness h;
  auto p = h.Add("REUSE-1");
  ASSERT_TRUE(h.catalog.Delete(p.id));
  EXPECT_TRUE(h.catalog.Create(Fields("REUSE-1")));
}

TEST(CatalogServiceTest, CategoriesCountLiveProducts) {
  Harness h;
  h.Add("C1", 100, "books");
  h.Add("C2", 100, "books");
  h.Add("C3", 100, "toys");
  auto cats = h.catalog.Categories();
  ASSERT_TRUE(cats);
  ASSERT_EQ(cats->size(), 2u);
  EXPECT_EQ((*cats)[0].name, "books");
  EXPECT_EQ((*cats)[0].product_count, 2);
  EXPECT_EQ((*cats)[1].name, "toys");
  EXPECT_EQ((*cats)[1].product_count, 1);
}

TEST(CatalogServiceTest, FiltersByCategoryAndInclusivePriceRange) {
  Harness h;
  h.Add("P100", 100, "x");
  auto p200 = h.Add("P200", 200, "x");
  auto p300 = h.Add("P300", 300, "x");
  h.Add("P400", 400, "x");
  h.Add("Y200", 200, "y");
  ListQuery q;
  q.category = "x";
  q.min_price = 200;
  q.max_price = 300;
  q.sort = SortOrder::kPriceAsc;
  auto page = h.catalog.List(q, std::nullopt);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->items.size(), 2u);
  EXPECT_EQ(page->items[0].id, p200.id);
  EXPECT_EQ(page->items[1].id, p300.id);
  EXPECT_FALSE(page->next_cursor);
}

TEST(CatalogServiceTest, SortOrdersAreHonoured) {
  Harness h;
  auto b = h.Add("S-B", 300, "x", 0, "banana");  // name order ignores case
  auto a = h.Add("S-A", 100, "x", 0, "Apple");
  auto c = h.Add("S-C", 200, "x", 0, "Cherry");
  auto ids = [&](SortOrder s) {
    ListQuery q;
    q.sort = s;
    std::vector<std::string> out;
    auto page = h.catalog.List(q, std::nullopt);
    EXPECT_TRUE(page);
    for (const auto& p : page->items) out.push_back(p.id);
    return out;
  };
  EXPECT_EQ(ids(SortOrder::kPriceAsc), (std::vector<std::string>{a.id, c.id, b.id}));
  EXPECT_EQ(ids(SortOrder::kPriceDesc), (std::vector<std::string>{b.id, c.id, a.id}));
  EXPECT_EQ(ids(SortOrder::kNameAsc), (std::vector<std::string>{a.id, b.id, c.id}));
  EXPECT_EQ(ids(SortOrder::kCreatedAsc), (std::vector<std::string>{b.id, a.id, c.id}));
  EXPECT_EQ(ids(SortOrder::kCreatedDesc), (std::vector<std::string>{c.id, a.id, b.id}));
}

TEST(CatalogServiceTest, ForgedOrMismatchedCursorIsBadRequest) {
  Harness h;
  for (int i = 0; i < 3; ++i) h.Add("F" + std::to_string(i));
  ListQuery q;
  q.limit = 1;
  auto page = h.catalog.List(q, std::nullopt);
  ASSERT_TRUE(page && page->next_cursor);
  std::string forged = *page->next_cursor;
  forged[forged.size() / 2] = forged[forged.size() / 2] == 'A' ? 'B' : 'A';
  auto r = h.catalog.List(q, forged);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kBadRequest);
  EXPECT_EQ(h.catalog.List(q, std::string("not-a-cursor")).error().code, Errc::kBadRequest);
  ListQuery other = q;
  other.sort = SortOrder::kPriceAsc;
  EXPECT_EQ(h.catalog.List(other, page->next_cursor).error().code, Errc::kBadRequest);
}

// Walks every page of `sort` while inserting products between pages: every product that existed
// when the walk began is seen exactly once, and items come in the promised order.
void WalkWithInserts(Harness& h, SortOrder sort, int limit, std::set<std::string> expected) {
  ListQuery q;
  q.sort = sort;
  q.limit = limit;
  std::optional<std::string> cursor;
  std::set<std::string> seen;
  std::optional<Product> prev;
  int pages = 0;
  int inserted = 0;
  do {
    auto page = h.catalog.List(q, cursor);
    ASSERT_TRUE(page) << page.error().detail;
    ++pages;
    for (const auto& p : page->items) {
      EXPECT_TRUE(seen.insert(p.id).second) << "duplicate " << p.id;
      if (prev) {
        switch (sort) {
          case SortOrder::kPriceAsc:
            EXPECT_TRUE(prev->fields.price_cents < p.fields.price_cents ||
                        (prev->fields.price_cents == p.fields.price_cents && prev->id < p.id));
            break;
          case SortOrder::kPriceDesc:
            EXPECT_TRUE(prev->fields.price_cents > p.fields.price_cents ||
                        (prev->fields.price_cents == p.fields.price_cents && prev->id > p.id));
            break;
          case SortOrder::kNameAsc: {
            const auto a = NameSortKey(prev->fields.name), b = NameSortKey(p.fields.name);
            EXPECT_TRUE(a < b || (a == b && prev->id < p.id));
            break;
          }
          case SortOrder::kCreatedAsc:
            EXPECT_TRUE(prev->created_at < p.created_at || (prev->created_at == p.created_at && prev->id < p.id));
            break;
          case SortOrder::kCreatedDesc:
            EXPECT_TRUE(prev->created_at > p.created_at || (prev->created_at == p.created_at && prev->id > p.id));
            break;
        }
      }
      prev = p;
    }
    // Interleaved writers: products at both ends of every order and in the middle.
    const std::string tag = std::to_string(static_cast<int>(sort)) + "-" + std::to_string(pages);
    h.Add("NEW-LO-" + tag, 1 + pages % 7, "walk", 0, "AAA new " + tag);
    h.Add("NEW-HI-" + tag, 900'000 + pages, "walk", 0, "zzz new " + tag);
    h.Add("NEW-MID-" + tag, 5000 + pages * 13, "walk", 0, "mmm new " + tag);
    inserted += 3;
    EXPECT_LE(page->items.size(), static_cast<std::size_t>(limit));
    cursor = page->next_cursor;
  } while (cursor);
  for (const auto& id : expected) EXPECT_TRUE(seen.count(id)) << "gap: " << id;
  EXPECT_GE(seen.size(), expected.size());
  EXPECT_GT(inserted, 0);
}

TEST(CatalogServiceTest, PaginationWalksEveryPageWithoutDuplicatesOrGapsWhileInserting) {
  Harness h;
  std::set<std::string> all;
  // 500 products, with many equal prices and names so ties are broken by id.
  for (int i = 0; i < 500; ++i) {
    auto p = h.Add("WALK-" + std::to_string(i), 100 * (1 + i % 37), "walk", 0, "Item " + std::to_string(i % 50));
    if (i % 3 == 0) h.clock.Advance(-1);  // some equal created_at values too
    all.insert(p.id);
  }
  for (auto sort : {SortOrder::kCreatedDesc, SortOrder::kPriceAsc, SortOrder::kPriceDesc, SortOrder::kNameAsc,
                    SortOrder::kCreatedAsc}) {
    SCOPED_TRACE(std::string(ToString(sort)));
    WalkWithInserts(h, sort, 37, all);
    // Products added by the previous walk existed before the next one began.
    auto everything = h.catalog.List(ListQuery{.limit = 100}, std::nullopt);
    ASSERT_TRUE(everything);
  }
}

TEST(CatalogServiceTest, SearchMatchesNameDescriptionAndSkuIgnoringCase) {
  Harness h;
  auto lamp = h.Add("LMP-778", 1000, "home", 0, "Brass Desk Lamp", "Warm light for reading");
  auto mug = h.Add("MUG-001", 500, "kitchen", 0, "Coffee Mug", "Holds a generous espresso");
  auto kb = h.Add("KB-Mech-42", 9000, "electronics", 0, "Mechanical Keyboard", "Clicky switches");
  auto search = [&](std::string text) {
    ListQuery q;
    q.q = std::move(text);
    std::set<std::string> ids;
    auto page = h.catalog.List(q, std::nullopt);
    EXPECT_TRUE(page) << page.error().detail;
    if (page) {
      for (const auto& p : page->items) ids.insert(p.id);
    }
    return ids;
  };
  using Ids = std::set<std::string>;
  EXPECT_EQ(search("lamp"), Ids{lamp.id});
  EXPECT_EQ(search("LAMP"), Ids{lamp.id});
  EXPECT_EQ(search("espresso"), Ids{mug.id});
  EXPECT_EQ(search("Espresso"), Ids{mug.id});
  EXPECT_EQ(search("mug-001"), Ids{mug.id});
  EXPECT_EQ(search("lmp-778"), Ids{lamp.id});
  EXPECT_EQ(search("kb-mech-42"), Ids{kb.id});
  EXPECT_EQ(search("keyb"), Ids{kb.id});            // prefix
  EXPECT_EQ(search("desk reading"), Ids{lamp.id});  // every term must match
  EXPECT_EQ(search("desk espresso"), Ids{});
  EXPECT_EQ(search("nothing-like-this"), Ids{});
  // FTS syntax in user text is just text.
  EXPECT_EQ(search("lamp OR mug"), Ids{});
  EXPECT_EQ(search("\"lamp"), Ids{lamp.id});
  EXPECT_EQ(search("NEAR(lamp"), Ids{});
  EXPECT_EQ(search("*"), Ids{});
  EXPECT_EQ(search("-"), Ids{});
  EXPECT_EQ(search("lamp*"), Ids{lamp.id});
}

TEST(CatalogServiceTest, SearchSeesUpdatedText) {
  Harness h;
  auto p = h.Add("UPD-1", 1000, "home", 0, "Old Name");
  ASSERT_TRUE(h.catalog.Patch(p.id, ProductPatch{.name = "Shiny Teapot"}));
  ListQuery q;
  q.q = "teapot";
  ASSERT_EQ(h.catalog.List(q, std::nullopt)->items.size(), 1u);
  q.q = "old";
  EXPECT_TRUE(h.catalog.List(q, std::nullopt)->items.empty());
}

TEST(CatalogServiceTest, SearchCombinesWithFiltersAndPaginates) {
  Harness h;
  std::set<std::string> reds;
  for (int i = 0; i < 25; ++i) {
    reds.insert(h.Add("RED-" + std::to_string(i), 100 + i, "paint", 0, "Red Paint " + std::to_string(i)).id);
    h.Add("BLUE-" + std::to_string(i), 100 + i, "paint", 0, "Blue Paint " + std::to_string(i));
  }
  ListQuery q;
  q.q = "red";
  q.limit = 10;
  q.sort = SortOrder::kPriceAsc;
  std::optional<std::string> cursor;
  std::set<std::string> seen;
  do {
    auto page = h.catalog.List(q, cursor);
    ASSERT_TRUE(page);
    for (const auto& p : page->items) EXPECT_TRUE(seen.insert(p.id).second);
    cursor = page->next_cursor;
  } while (cursor);
  EXPECT_EQ(seen, reds);
}

}  // namespace
}  // namespace shop::product
