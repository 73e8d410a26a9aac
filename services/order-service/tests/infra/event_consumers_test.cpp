#include "infra/event_consumers.hpp"

#include <gtest/gtest.h>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

events::Envelope Event(std::string topic, std::string type, boost::json::object data) {
  return events::Make(std::move(topic), std::move(type), "k", std::move(data));
}

TEST(EventConsumersTest, InventoryEventsDriveTheOrder) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 1}});
  ASSERT_TRUE(o);
  auto reserved = Event("inventory", "InventoryReserved", {{"order_id", o->id}, {"expires_at", "2026-11-24T12:00:00.000Z"}});
  ASSERT_TRUE(infra::HandleInventoryEvent(h.saga, reserved));
  auto got = h.orders.Get(kAlice, o->id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->status, domain::OrderStatus::kReserved);
  EXPECT_EQ(got->reservation_expires_at, ParseRfc3339("2026-11-24T12:00:00.000Z"));
  // The same envelope again (redelivery) changes nothing.
  ASSERT_TRUE(infra::HandleInventoryEvent(h.saga, reserved));
  ASSERT_TRUE(infra::HandleInventoryEvent(h.saga, Event("inventory", "InventoryReleased",
                                                        {{"order_id", o->id}, {"reason", "expired"}})));
  EXPECT_EQ(h.OrderStatus(o->id), "CANCELLED");
}

TEST(EventConsumersTest, ShortagesBecomeTheFailureDetail) {
  AppHarness h;
  auto o = h.Place(kAlice, {{kWidget.id, 5}});
  ASSERT_TRUE(o);
  boost::json::array shortages{boost::json::object{{"product_id", "p-widget"}, {"requested", 5}, {"available", 2}}};
  ASSERT_TRUE(infra::HandleInventoryEvent(
      h.saga, Event("inventory", "InventoryReservationFailed", {{"order_id", o->id}, {"shortages", shortages}})));
  auto got = h.orders.Get(kAlice, o->id);
  EXPECT_EQ(got->status, domain::OrderStatus::kRejected);
  EXPECT_EQ(got->failure_detail, "insufficient stock for p-widget (requested 5, available 2)");
}

TEST(EventConsumersTest, PaymentEventsDriveTheOrder) {
  AppHarness h;
  auto o = h.Reserved(kAlice);
  ASSERT_TRUE(infra::HandlePaymentEvent(
      h.saga, Event("payments", "PaymentFailed", {{"order_id", o.id}, {"payment_id", "p0"}, {"failure_reason", "card_declined"}})));
  EXPECT_EQ(h.orders.Get(kAlice, o.id)->last_payment_error, "card_declined");
  ASSERT_TRUE(infra::HandlePaymentEvent(
      h.saga, Event("payments", "PaymentSucceeded",
                    {{"order_id", o.id}, {"payment_id", "p1"}, {"amount_cents", 1999}, {"currency", "USD"}})));
  EXPECT_EQ(h.OrderStatus(o.id), "PAID");
  ASSERT_TRUE(infra::HandlePaymentEvent(
      h.saga, Event("payments", "PaymentRefunded", {{"order_id", o.id}, {"payment_id", "p1"}})));
  EXPECT_EQ(h.OrderStatus(o.id), "REFUNDED");
}

TEST(EventConsumersTest, MalformedAndForeignEventsAreAcknowledgedWithoutEffect) {
  AppHarness h;
  EXPECT_TRUE(infra::HandleInventoryEvent(h.saga, Event("inventory", "InventoryReserved", {{"oops", 1}})));
  EXPECT_TRUE(infra::HandlePaymentEvent(h.saga, Event("payments", "PaymentSucceeded", {{"order_id", "x"}})));
  EXPECT_TRUE(infra::HandleInventoryEvent(h.saga, Event("inventory", "StockAdjusted", {{"order_id", "x"}})));
  EXPECT_TRUE(h.Outbox().empty());
}

}  // namespace
}  // namespace shop::order::testing
