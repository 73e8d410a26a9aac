#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

constexpr app::ExpiryPolicy kPolicy{60'000, 600'000};

TEST(ExpiryTest, AReservedOrderIsCancelledOnlyAfterThePaymentTimeout) {
  AppHarness h(kPolicy);
  auto o = h.Reserved(kAlice);
  h.clock.Advance(59'000);
  auto early = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(early);
  EXPECT_EQ(*early, 0);
  EXPECT_EQ(h.OrderStatus(o.id), "RESERVED");

  h.clock.Advance(2'000);
  auto late = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(late);
  EXPECT_EQ(*late, 1);
  EXPECT_EQ(h.OrderStatus(o.id), "CANCELLED");
  auto events = h.Outbox("OrderCancelled");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].data.at("order_id").as_string(), o.id);
  EXPECT_EQ(events[0].data.at("reason").as_string(), "expired");
}

TEST(ExpiryTest, APendingOrderWaitsForThePendingTimeout) {
  AppHarness h(kPolicy);
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  h.clock.Advance(120'000);
  ASSERT_TRUE(h.saga.ExpireStale(h.clock.NowMs()));
  EXPECT_EQ(h.OrderStatus(o->id), "PENDING");
  h.clock.Advance(600'000);
  auto n = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(h.OrderStatus(o->id), "CANCELLED");
}

TEST(ExpiryTest, PaidOrdersNeverExpire) {
  AppHarness h(kPolicy);
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev", o.id, "pay-1", 1999, "USD"));
  h.clock.Advance(10'000'000);
  auto n = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0);
  EXPECT_EQ(h.OrderStatus(o.id), "PAID");
}

TEST(ExpiryTest, APaymentAfterExpiryIsRejectedForRefund) {
  AppHarness h(kPolicy);
  auto o = h.Reserved(kAlice);
  h.clock.Advance(61'000);
  ASSERT_TRUE(h.saga.ExpireStale(h.clock.NowMs()));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev", o.id, "pay-late", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "CANCELLED");
  EXPECT_EQ(h.Outbox("OrderPaymentRejected").size(), 1u);
}

TEST(ExpiryTest, ASecondSweepFindsNothingMore) {
  AppHarness h(kPolicy);
  h.Reserved(kAlice);
  h.Reserved(kBob);
  h.clock.Advance(61'000);
  auto first = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, 2);
  auto second = h.saga.ExpireStale(h.clock.NowMs());
  ASSERT_TRUE(second);
  EXPECT_EQ(*second, 0);
  EXPECT_EQ(h.Outbox("OrderCancelled").size(), 2u);
}

}  // namespace
}  // namespace shop::order::testing
