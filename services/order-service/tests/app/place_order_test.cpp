#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

TEST(PlaceOrderTest, PricesComeFromTheCatalogAndTheTotalIsTheirSum) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 2}, {kGadget.id, 3}});
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->status, domain::OrderStatus::kPending);
  EXPECT_EQ(o->user_id, kAlice.user_id);
  ASSERT_EQ(o->items.size(), 2u);
  EXPECT_EQ(o->items[0].sku, "W-1");
  EXPECT_EQ(o->items[0].name, "Widget");
  EXPECT_EQ(o->items[0].unit_price_cents, 1999);
  EXPECT_EQ(o->total_cents, 1999 * 2 + 500 * 3);
  EXPECT_EQ(o->currency, "USD");
}

TEST(PlaceOrderTest, WritesTheOrderAndOneOrderCreatedEvent) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  auto events = h.Outbox();
  ASSERT_EQ(events.size(), 1u);
  const auto& e = events[0];
  EXPECT_EQ(e.event_type, "OrderCreated");
  EXPECT_EQ(e.topic, "orders");
  EXPECT_EQ(e.key, o->id);
  EXPECT_EQ(e.data.at("order_id").as_string(), o->id);
  EXPECT_EQ(e.data.at("user_id").as_string(), kAlice.user_id);
  EXPECT_EQ(e.data.at("total_cents").as_int64(), 1999);
  EXPECT_EQ(e.data.at("currency").as_string(), "USD");
  const auto& item = e.data.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("product_id").as_string(), kWidget.id);
  EXPECT_EQ(item.at("sku").as_string(), "W-1");
  EXPECT_EQ(item.at("unit_price_cents").as_int64(), 1999);
  EXPECT_EQ(item.at("quantity").as_int64(), 1);
  EXPECT_EQ(h.OrderStatus(o->id), "PENDING");
}

TEST(PlaceOrderTest, TheOrderKeepsThePriceOfOrderTime) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  auto repriced = kWidget;
  repriced.price_cents = 9999;
  h.catalog.Put(repriced);
  auto got = h.orders.Get(kAlice, o->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->items[0].unit_price_cents, 1999);
  EXPECT_EQ(got->total_cents, 1999);
}

TEST(PlaceOrderTest, DuplicateLinesAreMerged) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}, {kWidget.id, 4}});
  ASSERT_TRUE(o);
  ASSERT_EQ(o->items.size(), 1u);
  EXPECT_EQ(o->items[0].quantity, 5);
}

TEST(PlaceOrderTest, UnknownProductIsInvalidAndWritesNothing) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}, {"p-missing", 1}});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalid);
  ASSERT_EQ(o.error().fields.size(), 1u);
  EXPECT_EQ(o.error().fields[0].field, "items[1].product_id");
  EXPECT_TRUE(h.Outbox().empty());
}

TEST(PlaceOrderTest, MixedCurrenciesAreInvalid) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}, {kEuroThing.id, 1}});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalid);
}

TEST(PlaceOrderTest, CatalogDownIsUnavailable) {
  AppHarness h;
  h.catalog.SetDown(true);
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kUnavailable);
  EXPECT_TRUE(h.Outbox().empty());
}

TEST(PlaceOrderTest, InvalidAddressIsRejectedBeforeTheCatalogIsAsked) {
  AppHarness h;
  app::PlaceOrderCommand cmd;
  cmd.items = {{kWidget.id, 1}};
  cmd.shipping_address = Address();
  cmd.shipping_address.country = "gb";
  auto out = h.orders.Place(kAlice, cmd, std::nullopt, [](const domain::Order&) { return app::Rendered{201, ""}; }, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  EXPECT_EQ(out.error().fields.at(0).field, "shipping_address.country");
  EXPECT_EQ(h.catalog.calls(), 0);
}

TEST(PlaceOrderTest, FromCartOrdersTheCartAndEmptiesIt) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 2, {}));
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kGadget.id, 1, {}));
  app::PlaceOrderCommand cmd;
  cmd.from_cart = true;
  cmd.shipping_address = Address();
  std::optional<domain::Order> placed;
  auto out = h.orders.Place(kAlice, cmd, std::nullopt, [&](const domain::Order& o) {
    placed = o;
    return app::Rendered{201, o.id};
  }, {});
  ASSERT_TRUE(out) << out.error().detail;
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->total_cents, 1999 * 2 + 500);
  auto cart = h.carts.Get(kAlice.user_id, {});
  ASSERT_TRUE(cart);
  EXPECT_TRUE(cart->items.empty());
}

TEST(PlaceOrderTest, FromAnEmptyCartIsInvalid) {
  AppHarness h;
  app::PlaceOrderCommand cmd;
  cmd.from_cart = true;
  cmd.shipping_address = Address();
  auto out = h.orders.Place(kAlice, cmd, std::nullopt, [](const domain::Order&) { return app::Rendered{201, ""}; }, {});
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  EXPECT_EQ(out.error().fields.at(0).field, "from_cart");
}

TEST(PlaceOrderTest, FromCartLeavesOtherUsersCartsAlone) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 1, {}));
  ASSERT_TRUE(h.carts.Set(kBob.user_id, kGadget.id, 1, {}));
  app::PlaceOrderCommand cmd;
  cmd.from_cart = true;
  cmd.shipping_address = Address();
  ASSERT_TRUE(h.orders.Place(kAlice, cmd, std::nullopt, [](const domain::Order&) { return app::Rendered{201, ""}; }, {}));
  auto bob = h.carts.Get(kBob.user_id, {});
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->items.size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
