#include <gtest/gtest.h>

#include "app/payment_events.hpp"
#include "infra/order_events_consumer.hpp"
#include "support/harness.hpp"

namespace shop::payment::testing {
namespace {

using domain::PaymentStatus;

class RefundTest : public ::testing::Test {
 protected:
  AppHarness h;
  domain::OrderSnapshot order = ReservedOrder(kAlice, 2500);

  std::string PaidPayment(const char* card = "4242424242424242") {
    h.orders.Put(order);
    auto out = h.Pay(kAlice, order.id, card);
    if (!out) throw std::runtime_error(out.error().detail);
    h.bus.Drain(h.database.db());  // drop the charge event
    return out->payment->id;
  }

  events::Envelope Rejected(const std::string& order_id, const std::string& payment_id) {
    return events::Make("orders", "OrderPaymentRejected", order_id,
                        {{"order_id", order_id}, {"payment_id", payment_id}}, h.clock);
  }
};

TEST_F(RefundTest, RefundMovesASucceededPaymentToRefundedAndPublishesPaymentRefunded) {
  const auto id = PaidPayment();
  h.clock.Advance(60'000);
  auto r = h.service.Refund(id);
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->status, PaymentStatus::kRefunded);
  EXPECT_EQ(r->refunded_at, std::optional<UnixMillis>(h.clock.NowMs()));
  EXPECT_EQ(h.service.Get(h.CallerFor(kAlice), id)->status, PaymentStatus::kRefunded);

  auto sent = h.bus.Drain(h.database.db());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].event_type, "PaymentRefunded");
  EXPECT_EQ(sent[0].key, order.id);
  EXPECT_EQ(sent[0].data.at("payment_id").as_string(), id);
  EXPECT_EQ(sent[0].data.at("order_id").as_string(), order.id);
  EXPECT_EQ(sent[0].data.at("amount_cents").as_int64(), 2500);
  EXPECT_EQ(sent[0].data.at("reason").as_string(), "admin");
}

TEST_F(RefundTest, RefundingTwiceIsConflictAndPublishesOnce) {
  const auto id = PaidPayment();
  ASSERT_TRUE(h.service.Refund(id));
  auto again = h.service.Refund(id);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict);
  EXPECT_NE(again.error().detail.find("REFUNDED"), std::string::npos);
  EXPECT_EQ(h.bus.Drain(h.database.db()).size(), 1u);
}

TEST_F(RefundTest, RefundingAFailedPaymentIsConflict) {
  const auto id = PaidPayment("4000000000000002");
  auto r = h.service.Refund(id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_NE(r.error().detail.find("FAILED"), std::string::npos);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

TEST_F(RefundTest, RefundingAnUnknownPaymentIsNotFound) {
  auto r = h.service.Refund("0193a000-0000-7000-8000-00000000dead");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kNotFound);
}

TEST_F(RefundTest, ARefundedOrderCannotBeCapturedAgain) {
  const auto id = PaidPayment();
  ASSERT_TRUE(h.service.Refund(id));
  auto again = h.Pay(kAlice, order.id, "4242424242424242");  // the fake order is still RESERVED
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict);
}

TEST_F(RefundTest, OrderPaymentRejectedRefundsThePaymentOnceWhenDeliveredTwice) {
  const auto id = PaidPayment();
  const auto e = Rejected(order.id, id);
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, e));
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, e));  // at-least-once delivery

  EXPECT_EQ(h.service.Get(h.CallerFor(kAlice), id)->status, PaymentStatus::kRefunded);
  auto sent = h.bus.Drain(h.database.db());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].event_type, "PaymentRefunded");
  EXPECT_EQ(sent[0].data.at("reason").as_string(), "order_payment_rejected");
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM inbox"), 1);
}

TEST_F(RefundTest, OrderPaymentRejectedForAFailedPaymentChangesNothing) {
  const auto id = PaidPayment("4000000000000002");
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, Rejected(order.id, id)));
  EXPECT_EQ(h.service.Get(h.CallerFor(kAlice), id)->status, PaymentStatus::kFailed);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

TEST_F(RefundTest, OrderPaymentRejectedNamingAnotherOrderChangesNothing) {
  const auto id = PaidPayment();
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, Rejected("0193a000-0000-7000-8000-0000000000ff", id)));
  EXPECT_EQ(h.service.Get(h.CallerFor(kAlice), id)->status, PaymentStatus::kSucceeded);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

TEST_F(RefundTest, OrderPaymentRejectedAfterAnAdminRefundChangesNothing) {
  const auto id = PaidPayment();
  ASSERT_TRUE(h.service.Refund(id));
  h.bus.Drain(h.database.db());
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, Rejected(order.id, id)));
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

TEST_F(RefundTest, OtherOrderEventsAreIgnored) {
  const auto id = PaidPayment();
  auto e = events::Make("orders", "OrderCancelled", order.id, {{"order_id", order.id}}, h.clock);
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, e));
  auto malformed = events::Make("orders", "OrderPaymentRejected", order.id, {{"order_id", order.id}}, h.clock);
  ASSERT_TRUE(infra::HandleOrderEvent(h.service, malformed));
  EXPECT_EQ(h.service.Get(h.CallerFor(kAlice), id)->status, PaymentStatus::kSucceeded);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

}  // namespace
}  // namespace shop::payment::testing
