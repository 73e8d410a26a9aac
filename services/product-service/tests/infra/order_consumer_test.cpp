#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness.hpp"
#include "infra/sweeper.hpp"

namespace shop::product {
namespace {

using testing::Harness;
using testing::OrderCreated;
using testing::OrderEvent;

TEST(OrderConsumerTest, DuplicateOrderCreatedReservesOnce) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  auto e = OrderCreated("order-1", {{a.id, 2}});
  ASSERT_TRUE(consumer.Handle(e));
  ASSERT_TRUE(consumer.Handle(e));
  EXPECT_EQ(h.Stock(a.id).reserved, 2);
  h.Drain();
  EXPECT_EQ(h.recorder.Count("InventoryReserved"), 1u);
}

TEST(OrderConsumerTest, ReserveThenCancelRestoresStockExactly) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  auto b = h.Add("B", 100, "x", 3);
  ASSERT_TRUE(consumer.Handle(OrderCreated("order-1", {{a.id, 4}, {b.id, 3}})));
  EXPECT_EQ(h.Stock(a.id).reserved, 4);
  EXPECT_EQ(h.Stock(b.id).reserved, 3);
  auto cancel = OrderEvent("OrderCancelled", "order-1");
  ASSERT_TRUE(consumer.Handle(cancel));
  ASSERT_TRUE(consumer.Handle(cancel));
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(a.id).on_hand, 5);
  EXPECT_EQ(h.Stock(b.id).reserved, 0);
  EXPECT_EQ(h.Stock(b.id).on_hand, 3);
  h.Drain();
  auto released = h.recorder.Of("InventoryReleased");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].data.at("order_id").as_string(), "order-1");
  EXPECT_EQ(released[0].data.at("reason").as_string(), "cancelled");
}

TEST(OrderConsumerTest, OrderPaidCommitsTheReservation) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(consumer.Handle(OrderCreated("order-1", {{a.id, 2}})));
  auto paid = OrderEvent("OrderPaid", "order-1");
  ASSERT_TRUE(consumer.Handle(paid));
  ASSERT_TRUE(consumer.Handle(paid));
  EXPECT_EQ(h.Stock(a.id).on_hand, 3);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  // A cancel after payment does not put committed stock back.
  ASSERT_TRUE(consumer.Handle(OrderEvent("OrderCancelled", "order-1")));
  EXPECT_EQ(h.Stock(a.id).on_hand, 3);
}

TEST(OrderConsumerTest, FailedPaymentDoesNotRelease) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(consumer.Handle(OrderCreated("order-1", {{a.id, 2}})));
  ASSERT_TRUE(consumer.Handle(OrderEvent("PaymentFailed", "order-1")));
  ASSERT_TRUE(consumer.Handle(OrderEvent("OrderShipped", "order-1")));
  EXPECT_EQ(h.Stock(a.id).reserved, 2);
}

TEST(OrderConsumerTest, ShortLineFailsTheWholeOrderWithShortages) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  auto b = h.Add("B", 100, "x", 1);
  ASSERT_TRUE(consumer.Handle(OrderCreated("order-1", {{a.id, 1}, {b.id, 2}, {"ghost", 1}})));
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(b.id).reserved, 0);
  h.Drain();
  auto failed = h.recorder.Of("InventoryReservationFailed");
  ASSERT_EQ(failed.size(), 1u);
  const auto& shortages = failed[0].data.at("shortages").as_array();
  ASSERT_EQ(shortages.size(), 2u);
  EXPECT_EQ(shortages[0].at("product_id").as_string(), b.id);
  EXPECT_EQ(shortages[0].at("requested").as_int64(), 2);
  EXPECT_EQ(shortages[0].at("available").as_int64(), 1);
  EXPECT_EQ(shortages[1].at("product_id").as_string(), "ghost");
  EXPECT_EQ(shortages[1].at("available").as_int64(), 0);
}

TEST(OrderConsumerTest, ExpiryWithManualClockReleasesAndPublishes) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(consumer.Handle(OrderCreated("order-1", {{a.id, 5}})));
  EXPECT_EQ(h.inventory.Get(a.id)->available(), 0);
  h.clock.Advance(15 * 60 * 1000);
  infra::ReservationSweeper sweeper(h.inventory, 10);
  sweeper.Start();
  for (int i = 0; i < 300 && h.Stock(a.id).reserved != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  sweeper.Stop();
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(a.id).on_hand, 5);
  h.Drain();
  auto released = h.recorder.Of("InventoryReleased");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].data.at("reason").as_string(), "expired");
  // Paying after expiry commits nothing: the stock was already given back.
  ASSERT_TRUE(consumer.Handle(OrderEvent("OrderPaid", "order-1")));
  EXPECT_EQ(h.Stock(a.id).on_hand, 5);
}

TEST(OrderConsumerTest, EventsArriveThroughTheBus) {
  Harness h;
  infra::OrderConsumer consumer(h.db(), h.inventory);
  consumer.SubscribeTo(h.bus);
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(h.bus.Publish(OrderCreated("order-bus", {{a.id, 1}})));
  EXPECT_EQ(h.Stock(a.id).reserved, 1);
}

}  // namespace
}  // namespace shop::product
