#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

TEST(CartServiceTest, ShowsCurrentCatalogNamesAndPricesWithLineTotals) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 2, {}));
  h.clock.Advance(1);
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kGadget.id, 3, {}));
  auto repriced = kWidget;
  repriced.price_cents = 2500;
  h.catalog.Put(repriced);
  auto cart = h.carts.Get(kAlice.user_id, {});
  ASSERT_TRUE(cart);
  ASSERT_EQ(cart->items.size(), 2u);
  EXPECT_EQ(cart->items[0].product_id, kWidget.id);
  EXPECT_EQ(cart->items[0].name, "Widget");
  EXPECT_EQ(cart->items[0].unit_price_cents, 2500);
  EXPECT_EQ(cart->items[0].line_total_cents, 5000);
  EXPECT_EQ(cart->total_cents, 5000 + 1500);
  EXPECT_EQ(cart->currency, "USD");
}

TEST(CartServiceTest, SettingAgainReplacesTheQuantityAndZeroRemoves) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 2, {}));
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 5, {}));
  auto cart = h.carts.Get(kAlice.user_id, {});
  ASSERT_EQ(cart->items.size(), 1u);
  EXPECT_EQ(cart->items[0].quantity, 5);
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 0, {}));
  EXPECT_TRUE(h.carts.Get(kAlice.user_id, {})->items.empty());
}

TEST(CartServiceTest, QuantityOutsideBoundsIsInvalid) {
  AppHarness h;
  EXPECT_EQ(h.carts.Set(kAlice.user_id, kWidget.id, 101, {}).error().code, Errc::kInvalid);
  EXPECT_EQ(h.carts.Set(kAlice.user_id, kWidget.id, -1, {}).error().code, Errc::kInvalid);
}

TEST(CartServiceTest, UnknownOrDeletedProductIsInvalid) {
  AppHarness h;
  auto unknown = h.carts.Set(kAlice.user_id, "p-missing", 1, {});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::kInvalid);
  h.catalog.Remove(kGadget.id);
  EXPECT_FALSE(h.carts.Set(kAlice.user_id, kGadget.id, 1, {}));
}

TEST(CartServiceTest, AProductDeletedAfterwardsIsListedAsUnavailable) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 1, {}));
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kGadget.id, 1, {}));
  h.catalog.Remove(kGadget.id);
  auto cart = h.carts.Get(kAlice.user_id, {});
  ASSERT_TRUE(cart);
  EXPECT_EQ(cart->items.size(), 1u);
  ASSERT_EQ(cart->unavailable.size(), 1u);
  EXPECT_EQ(cart->unavailable[0], kGadget.id);
  EXPECT_EQ(cart->total_cents, 1999);
}

TEST(CartServiceTest, CartsAreKeptPerUser) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 1, {}));
  EXPECT_TRUE(h.carts.Get(kBob.user_id, {})->items.empty());
  ASSERT_TRUE(h.carts.Remove(kBob.user_id, kWidget.id));
  EXPECT_EQ(h.carts.Get(kAlice.user_id, {})->items.size(), 1u);
}

TEST(CartServiceTest, AtMostFiftyProducts) {
  AppHarness h;
  for (int i = 0; i < 51; ++i) h.catalog.Put({"p" + std::to_string(i), "S", "N", 1, "USD"});
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(h.carts.Set(kAlice.user_id, "p" + std::to_string(i), 1, {}));
  auto extra = h.carts.Set(kAlice.user_id, "p50", 1, {});
  ASSERT_FALSE(extra);
  EXPECT_EQ(extra.error().code, Errc::kInvalid);
  EXPECT_TRUE(h.carts.Set(kAlice.user_id, "p0", 2, {})) << "changing an existing line is fine";
}

TEST(CartServiceTest, CatalogDownIsUnavailable) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 1, {}));
  h.catalog.SetDown(true);
  EXPECT_EQ(h.carts.Get(kAlice.user_id, {}).error().code, Errc::kUnavailable);
  EXPECT_EQ(h.carts.Set(kAlice.user_id, kGadget.id, 1, {}).error().code, Errc::kUnavailable);
}

}  // namespace
}  // namespace shop::order::testing
