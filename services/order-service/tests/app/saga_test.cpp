#include <gtest/gtest.h>

#include "shop/core/ids.hpp"
#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

using domain::OrderStatus;

TEST(SagaTest, InventoryReservedMovesPendingToReserved) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-1", o->id, 1'790'000'900'000));
  auto got = h.orders.Get(kAlice, o->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, OrderStatus::kReserved);
  EXPECT_EQ(got->reservation_expires_at, 1'790'000'900'000);
}

TEST(SagaTest, ADuplicateEventHasNoSecondEffect) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-1", o->id, std::nullopt));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("pay-ev-1", o->id, "pay-1", 1999, "USD"));
  ASSERT_EQ(h.Outbox("OrderPaid").size(), 1u);
  // Redelivery of both events: no new state change, no second OrderPaid.
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-1", o->id, std::nullopt));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("pay-ev-1", o->id, "pay-1", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o->id), "PAID");
  EXPECT_EQ(h.Outbox("OrderPaid").size(), 1u);
  EXPECT_TRUE(h.Outbox("OrderPaymentRejected").empty());
}

TEST(SagaTest, ADuplicateInventoryReservedAfterCancelDoesNotRevive) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  ASSERT_TRUE(h.orders.Cancel(kAlice, o->id));
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-late", o->id, std::nullopt));
  EXPECT_EQ(h.OrderStatus(o->id), "CANCELLED");
}

TEST(SagaTest, ReservationFailureRejectsWithOutOfStock) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  ASSERT_TRUE(h.saga.OnReservationFailed("ev-f", o->id, "insufficient stock for p-widget"));
  auto got = h.orders.Get(kAlice, o->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, OrderStatus::kRejected);
  EXPECT_EQ(got->failure_reason, "out_of_stock");
  EXPECT_EQ(got->failure_detail, "insufficient stock for p-widget");
}

TEST(SagaTest, PaymentSucceededPaysAReservedOrderAndPublishesOrderPaid) {
  AppHarness h;
  auto o = h.Reserved(kAlice, 2);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-p", o.id, "pay-1", 3998, "USD"));
  auto got = h.orders.Get(kAlice, o.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, OrderStatus::kPaid);
  EXPECT_EQ(got->payment_id, "pay-1");
  auto paid = h.Outbox("OrderPaid");
  ASSERT_EQ(paid.size(), 1u);
  EXPECT_EQ(paid[0].key, o.id);
  EXPECT_EQ(paid[0].data.at("order_id").as_string(), o.id);
  EXPECT_EQ(paid[0].data.at("payment_id").as_string(), "pay-1");
}

TEST(SagaTest, ALatePaymentForACancelledOrderIsRejectedForRefund) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.orders.Cancel(kAlice, o.id));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-p", o.id, "pay-late", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "CANCELLED");
  EXPECT_TRUE(h.Outbox("OrderPaid").empty());
  auto rejected = h.Outbox("OrderPaymentRejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].data.at("order_id").as_string(), o.id);
  EXPECT_EQ(rejected[0].data.at("payment_id").as_string(), "pay-late");
  EXPECT_EQ(rejected[0].data.at("reason").as_string(), "order is CANCELLED");
}

TEST(SagaTest, ASecondPaymentForAPaidOrderIsRejected) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-1", o.id, "pay-1", 1999, "USD"));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-2", o.id, "pay-2", 1999, "USD"));
  EXPECT_EQ(h.orders.Get(kAdmin, o.id)->payment_id, "pay-1");
  auto rejected = h.Outbox("OrderPaymentRejected");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0].data.at("payment_id").as_string(), "pay-2");
}

TEST(SagaTest, APaymentOfTheWrongAmountIsRejected) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-1", o.id, "pay-1", 1, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "RESERVED");
  EXPECT_EQ(h.Outbox("OrderPaymentRejected").size(), 1u);
}

TEST(SagaTest, APaymentForAnUnknownOrderIsRejected) {
  AppHarness h;
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-1", "no-such-order", "pay-1", 100, "USD"));
  EXPECT_EQ(h.Outbox("OrderPaymentRejected").size(), 1u);
}

TEST(SagaTest, PaymentFailedKeepsTheOrderReservedAndRecordsTheError) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentFailed("ev-f", o.id, "card_declined"));
  auto got = h.orders.Get(kAlice, o.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, OrderStatus::kReserved);
  EXPECT_EQ(got->last_payment_error, "card_declined");
  // The customer can still pay with another card.
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-p", o.id, "pay-2", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "PAID");
}

TEST(SagaTest, RefundOfThePayingPaymentRefundsPaidShippedAndDeliveredOrders) {
  AppHarness h;
  for (auto stop : {OrderStatus::kPaid, OrderStatus::kShipped, OrderStatus::kDelivered}) {
    auto o = h.Reserved(kAlice);
    ASSERT_TRUE(h.saga.OnPaymentSucceeded(NewId(), o.id, "pay-" + o.id, 1999, "USD"));
    if (stop != OrderStatus::kPaid) {
      ASSERT_TRUE(h.orders.Ship(kAdmin, o.id));
    }
    if (stop == OrderStatus::kDelivered) {
      ASSERT_TRUE(h.orders.Deliver(kAdmin, o.id));
    }
    ASSERT_TRUE(h.saga.OnPaymentRefunded(NewId(), o.id, "pay-" + o.id));
    EXPECT_EQ(h.OrderStatus(o.id), "REFUNDED") << ToString(stop);
  }
}

TEST(SagaTest, RefundOfARejectedPaymentLeavesTheOrderAlone) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-1", o.id, "pay-1", 1999, "USD"));
  ASSERT_TRUE(h.saga.OnPaymentRefunded("ev-2", o.id, "pay-other"));
  EXPECT_EQ(h.OrderStatus(o.id), "PAID");
}

TEST(SagaTest, InventoryExpiryCancelsAReservedOrderAndAnnouncesIt) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.saga.OnInventoryReleased("ev-r", o.id, "expired"));
  EXPECT_EQ(h.OrderStatus(o.id), "CANCELLED");
  auto cancelled = h.Outbox("OrderCancelled");
  ASSERT_EQ(cancelled.size(), 1u);
  EXPECT_EQ(cancelled[0].data.at("reason").as_string(), "expired");
}

TEST(SagaTest, AReleaseFollowingOurOwnCancelChangesNothing) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(h.orders.Cancel(kAlice, o.id));
  ASSERT_TRUE(h.saga.OnInventoryReleased("ev-r", o.id, "cancelled"));
  ASSERT_TRUE(h.saga.OnInventoryReleased("ev-r2", o.id, "expired"));
  EXPECT_EQ(h.Outbox("OrderCancelled").size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
