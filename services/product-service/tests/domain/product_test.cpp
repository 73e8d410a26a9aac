#include <gtest/gtest.h>

#include "domain/currency.hpp"
#include "domain/inventory.hpp"
#include "domain/listing.hpp"
#include "domain/product.hpp"
#include "infra/sql_product_repository.hpp"

namespace shop::product {
namespace {

ProductFields Valid() {
  ProductFields f;
  f.sku = "ABC-123_x.1";
  f.name = "Desk Lamp";
  f.price_cents = 2599;
  f.currency = "usd";
  f.category = "home";
  return f;
}

bool HasField(const Error& e, std::string_view field) {
  for (const auto& f : e.fields) {
    if (f.field == field) return true;
  }
  return false;
}

TEST(ProductRulesTest, SkuAllowsLettersDigitsDotUnderscoreDash) {
  EXPECT_TRUE(IsValidSku("ABC-123_x.1"));
  EXPECT_TRUE(IsValidSku(std::string(64, 'a')));
  EXPECT_FALSE(IsValidSku(""));
  EXPECT_FALSE(IsValidSku(std::string(65, 'a')));
  EXPECT_FALSE(IsValidSku("has space"));
  EXPECT_FALSE(IsValidSku("semi;colon"));
  EXPECT_FALSE(IsValidSku("caf\xc3\xa9"));
}

TEST(ProductRulesTest, NormalizeTrimsAndUppercasesCurrency) {
  auto f = Valid();
  f.name = "  Desk Lamp  ";
  auto r = Normalize(f);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "Desk Lamp");
  EXPECT_EQ(r->currency, "USD");
}

TEST(ProductRulesTest, NormalizeReportsEveryBrokenField) {
  ProductFields f;
  f.sku = "bad sku";
  f.name = "   ";
  f.description = std::string(5001, 'd');
  f.price_cents = 0;
  f.currency = "XYZ";
  f.category = std::string(65, 'c');
  auto r = Normalize(f);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInvalid);
  for (auto field : {"sku", "name", "description", "price_cents", "currency", "category"}) {
    EXPECT_TRUE(HasField(r.error(), field)) << field;
  }
}

TEST(ProductRulesTest, PriceBounds) {
  auto f = Valid();
  f.price_cents = kMaxPriceCents;
  EXPECT_TRUE(Normalize(f));
  f.price_cents = kMaxPriceCents + 1;
  EXPECT_FALSE(Normalize(f));
  f.price_cents = -5;
  EXPECT_FALSE(Normalize(f));
}

TEST(ProductRulesTest, NameLengthCountsCodePointsNotBytes) {
  auto f = Valid();
  f.name.clear();
  for (int i = 0; i < 200; ++i) f.name += "\xc3\xa9";  // 200 code points, 400 bytes
  EXPECT_TRUE(Normalize(f));
  f.name += "x";
  EXPECT_FALSE(Normalize(f));
}

TEST(CurrencyTest, KnowsActiveCodesOnly) {
  EXPECT_TRUE(IsIso4217("USD"));
  EXPECT_TRUE(IsIso4217("EUR"));
  EXPECT_TRUE(IsIso4217("JPY"));
  EXPECT_TRUE(IsIso4217("ZWL"));
  EXPECT_TRUE(IsIso4217("AED"));
  EXPECT_FALSE(IsIso4217("usd"));
  EXPECT_FALSE(IsIso4217("ABC"));
  EXPECT_FALSE(IsIso4217("US"));
  EXPECT_FALSE(IsIso4217("DEM"));
}

TEST(ListingTest, PositionRoundTripsAndIsBoundToItsSortOrder) {
  KeysetPosition pos{"id-1", 0, "Name | with bar"};
  auto payload = EncodePosition(SortOrder::kNameAsc, pos);
  auto back = DecodePosition(SortOrder::kNameAsc, payload);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->id, "id-1");
  EXPECT_EQ(back->text_key, "Name | with bar");
  auto other = DecodePosition(SortOrder::kPriceAsc, payload);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kBadRequest);
  EXPECT_FALSE(DecodePosition(SortOrder::kPriceAsc, "price|id|notanumber"));
  EXPECT_FALSE(DecodePosition(SortOrder::kPriceAsc, "garbage"));
}

TEST(ListingTest, ParseSortKnowsTheFiveOrders) {
  EXPECT_EQ(ParseSort("price"), SortOrder::kPriceAsc);
  EXPECT_EQ(ParseSort("-price"), SortOrder::kPriceDesc);
  EXPECT_EQ(ParseSort("name"), SortOrder::kNameAsc);
  EXPECT_EQ(ParseSort("created_at"), SortOrder::kCreatedAsc);
  EXPECT_EQ(ParseSort("-created_at"), SortOrder::kCreatedDesc);
  EXPECT_FALSE(ParseSort("-name"));
}

TEST(InventoryRulesTest, MergeLinesSumsSameProduct) {
  auto m = MergeLines({{"a", 1}, {"b", 2}, {"a", 3}});
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[0].product_id, "a");
  EXPECT_EQ(m[0].quantity, 4);
  EXPECT_EQ(m[1].quantity, 2);
}

TEST(Fts5QueryTest, QuotesEveryTermAsAPrefixPhrase) {
  EXPECT_EQ(infra::Fts5Query("  red   Lamp "), "\"red\"* \"Lamp\"*");
  EXPECT_EQ(infra::Fts5Query("a\"b"), "\"a\"\"b\"*");
  EXPECT_EQ(infra::Fts5Query("NEAR( OR *"), "\"NEAR(\"* \"OR\"*");  // "*" has nothing to match
  EXPECT_EQ(infra::Fts5Query("   "), "");
}

}  // namespace
}  // namespace shop::product

namespace shop::product {
namespace {

TEST(PgTsQueryTest, EveryWordBecomesALowerCasedQuotedPrefixAndAllMustMatch) {
  EXPECT_EQ(infra::PgTsQuery("  red   Lamp "), "'red':* & 'lamp':*");
  EXPECT_EQ(infra::PgTsQuery("KB-Mech-42"), "'kb':* & 'mech':* & '42':*");
  EXPECT_EQ(infra::PgTsQuery("Café"), "'caf\xc3\xa9':*");
}

TEST(PgTsQueryTest, QuotesBackslashesAndOperatorsNeverReachTheQuery) {
  EXPECT_EQ(infra::PgTsQuery("a'b"), "'a':* & 'b':*");
  EXPECT_EQ(infra::PgTsQuery("x\\' | !y:*"), "'x':* & 'y':*");
  EXPECT_EQ(infra::PgTsQuery("&|!():*'\\ <-> -"), "");
  EXPECT_EQ(infra::PgTsQuery("   "), "");
}

TEST(PgTsQueryTest, MalformedUtf8SeparatesWords) {
  EXPECT_EQ(infra::PgTsQuery("ab\xff\xfe" "cd"), "'ab':* & 'cd':*");
  EXPECT_EQ(infra::PgTsQuery("x\xc3"), "'x':*");         // truncated sequence
  EXPECT_EQ(infra::PgTsQuery("\xc0\xaf"), "");          // overlong "/"
  EXPECT_EQ(infra::PgTsQuery("\xed\xa0\x80"), "");     // surrogate
  EXPECT_EQ(infra::PgTsQuery("\xf0\x9f\x98\x80"), "'\xf0\x9f\x98\x80':*");
}

}  // namespace
}  // namespace shop::product
