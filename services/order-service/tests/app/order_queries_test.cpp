#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

TEST(OrderQueriesTest, AnotherUsersOrderIsNotFoundButAdminsSeeIt) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  EXPECT_EQ(h.orders.Get(kBob, o->id).error().code, Errc::kNotFound);
  EXPECT_TRUE(h.orders.Get(kAdmin, o->id));
  EXPECT_EQ(h.orders.Cancel(kBob, o->id).error().code, Errc::kNotFound);
}

TEST(OrderQueriesTest, ListPagesThroughOwnOrdersNewestFirst) {
  AppHarness h;
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(h.Place(kAlice, {{kWidget.id, 1}})->id);
  ASSERT_TRUE(h.Place(kBob, {{kWidget.id, 1}}));
  std::vector<std::string> seen;
  std::optional<std::string> cursor;
  for (int page = 0; page < 10; ++page) {
    auto p = h.orders.List(kAlice, {std::nullopt, cursor, 2});
    ASSERT_TRUE(p) << p.error().detail;
    for (auto& o : p->items) seen.push_back(o.id);
    if (!p->next_cursor) break;
    cursor = p->next_cursor;
  }
  std::vector<std::string> expected(ids.rbegin(), ids.rend());
  EXPECT_EQ(seen, expected);
}

TEST(OrderQueriesTest, AdminsListEveryonesOrdersAndCanFilterByStatus) {
  AppHarness h;
  auto a = h.Reserved(kAlice);
  ASSERT_TRUE(h.Place(kBob, {{kWidget.id, 1}}));
  auto all = h.orders.List(kAdmin, {std::nullopt, std::nullopt, 20});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->items.size(), 2u);
  auto reserved = h.orders.List(kAdmin, {domain::OrderStatus::kReserved, std::nullopt, 20});
  ASSERT_TRUE(reserved);
  ASSERT_EQ(reserved->items.size(), 1u);
  EXPECT_EQ(reserved->items[0].id, a.id);
}

TEST(OrderQueriesTest, AForgedCursorIsBadRequest) {
  AppHarness h;
  auto p = h.orders.List(kAlice, {std::nullopt, std::string("bm90LWEtY3Vyc29y"), 20});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::kBadRequest);
}

TEST(OrderActionsTest, CustomersCancelPendingAndReservedOrdersWithAnEvent) {
  AppHarness h;
  auto pending = h.Place(kAlice, {{kWidget.id, 1}});
  auto reserved = h.Reserved(kAlice);
  ASSERT_TRUE(h.orders.Cancel(kAlice, pending->id));
  ASSERT_TRUE(h.orders.Cancel(kAdmin, reserved.id));
  auto events = h.Outbox("OrderCancelled");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].data.at("reason").as_string(), "customer");
  EXPECT_EQ(events[1].data.at("reason").as_string(), "admin");
}

TEST(OrderActionsTest, CancellingAPaidOrderIsConflictWithTheStatus) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev", o.id, "pay", 1999, "USD"));
  auto r = h.orders.Cancel(kAlice, o.id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_NE(r.error().detail.find("PAID"), std::string::npos);
}

TEST(OrderActionsTest, ShipAndDeliverAreAdminOnlyAndFollowTheMachine) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  EXPECT_EQ(h.orders.Ship(kAdmin, o.id).error().code, Errc::kConflict);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev", o.id, "pay", 1999, "USD"));
  EXPECT_EQ(h.orders.Ship(kAlice, o.id).error().code, Errc::kForbidden);
  EXPECT_EQ(h.orders.Deliver(kAdmin, o.id).error().code, Errc::kConflict);
  ASSERT_TRUE(h.orders.Ship(kAdmin, o.id));
  ASSERT_TRUE(h.orders.Deliver(kAdmin, o.id));
  EXPECT_EQ(h.OrderStatus(o.id), "DELIVERED");
  EXPECT_EQ(h.Outbox("OrderShipped").size(), 1u);
  EXPECT_EQ(h.Outbox("OrderDelivered").size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
