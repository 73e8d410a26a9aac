// Crash-test hooks: a failure just before a commit leaves nothing behind, and the retry works.
#include <gtest/gtest.h>

#include "shop/failpoint/failpoint.hpp"
#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

class FailpointTest : public ::testing::Test {
 protected:
  void TearDown() override { failpoint::Clear(); }
  AppHarness h;
};

TEST_F(FailpointTest, AFailureBeforeThePlaceCommitWritesNothingAndTheKeyStaysUsable) {
  ASSERT_TRUE(failpoint::Configure("orders.place.before_commit=1*error"));
  app::PlaceOrderCommand cmd;
  cmd.items = {{kWidget.id, 1}};
  cmd.shipping_address = Address();
  auto render = [](const domain::Order& o) { return app::Rendered{201, o.id}; };
  const app::IdempotencyScope idem{"k", "fp"};
  auto failed = h.orders.Place(kAlice, cmd, idem, render, {});
  ASSERT_FALSE(failed);
  EXPECT_TRUE(h.Outbox().empty());
  auto retried = h.orders.Place(kAlice, cmd, idem, render, {});
  ASSERT_TRUE(retried) << retried.error().detail;
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(h.Outbox("OrderCreated").size(), 1u);
}

TEST_F(FailpointTest, AConsumerFailureBeforeCommitIsRedeliveredAndAppliedOnce) {
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(failpoint::Configure("orders.consumer.before_commit=1*error"));
  EXPECT_FALSE(h.saga.OnPaymentSucceeded("ev-pay", o.id, "pay-1", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "RESERVED");
  EXPECT_TRUE(h.Outbox("OrderPaid").empty());
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-pay", o.id, "pay-1", 1999, "USD"));
  EXPECT_EQ(h.OrderStatus(o.id), "PAID");
  EXPECT_EQ(h.Outbox("OrderPaid").size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
