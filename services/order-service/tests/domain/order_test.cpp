#include "domain/order.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace shop::order::domain {
namespace {

ShippingAddress Addr() { return {"Ada", "1 Way", std::nullopt, "London", std::nullopt, "N1 9GU", "GB"}; }

PricedLine Line(std::string id, std::int64_t price, std::int64_t qty, std::string currency = "USD") {
  return {{id, "SKU-" + id, "Name " + id, price, qty}, std::move(currency)};
}

TEST(OrderTest, CreateSumsLinesIntoTheTotalAndStartsPending) {
  auto o = Order::Create("o1", "u1", {Line("a", 1999, 2), Line("b", 500, 3)}, Addr(), 1000);
  ASSERT_TRUE(o) << o.error().detail;
  EXPECT_EQ(o->total_cents, 1999 * 2 + 500 * 3);
  EXPECT_EQ(o->currency, "USD");
  EXPECT_EQ(o->status, OrderStatus::kPending);
  EXPECT_EQ(o->created_at, 1000);
  EXPECT_EQ(o->items.size(), 2u);
}

TEST(OrderTest, CreateRejectsMixedCurrencies) {
  auto o = Order::Create("o1", "u1", {Line("a", 100, 1), Line("b", 100, 1, "EUR")}, Addr(), 0);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalid);
}

TEST(OrderTest, CreateRejectsATotalThatOverflowsInt64) {
  const auto big = std::numeric_limits<std::int64_t>::max() / 50;
  auto o = Order::Create("o1", "u1", {Line("a", big, 60)}, Addr(), 0);
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, Errc::kInvalid);
  auto sum = Order::Create("o1", "u1", {Line("a", big, 40), Line("b", big, 40)}, Addr(), 0);
  ASSERT_FALSE(sum);
}

TEST(OrderTest, CreateRejectsNoLines) {
  EXPECT_FALSE(Order::Create("o1", "u1", {}, Addr(), 0));
}

TEST(OrderTest, MoveToStampsUpdatedAtAndRefusesIllegalSteps) {
  auto o = Order::Create("o1", "u1", {Line("a", 100, 1)}, Addr(), 10);
  ASSERT_TRUE(o);
  ASSERT_TRUE(o->MoveTo(OrderStatus::kReserved, 20));
  EXPECT_EQ(o->updated_at, 20);
  auto bad = o->MoveTo(OrderStatus::kShipped, 30);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kConflict);
  EXPECT_EQ(o->status, OrderStatus::kReserved);
  EXPECT_EQ(o->updated_at, 20);
}

TEST(MergeLinesTest, DuplicateProductsAreSummedInFirstSeenOrder) {
  auto m = MergeLines({{"a", 2}, {"b", 1}, {"a", 3}});
  ASSERT_TRUE(m);
  ASSERT_EQ(m->size(), 2u);
  EXPECT_EQ((*m)[0].product_id, "a");
  EXPECT_EQ((*m)[0].quantity, 5);
  EXPECT_EQ((*m)[1].product_id, "b");
}

TEST(MergeLinesTest, QuantityBoundsApplyPerLineAndAfterMerging) {
  EXPECT_FALSE(MergeLines({{"a", 0}}));
  EXPECT_FALSE(MergeLines({{"a", 101}}));
  EXPECT_TRUE(MergeLines({{"a", 100}}));
  auto merged = MergeLines({{"a", 60}, {"a", 41}});
  ASSERT_FALSE(merged);
  EXPECT_EQ(merged.error().fields.at(0).field, "items[1].quantity");
  EXPECT_FALSE(MergeLines({}));
}

TEST(MergeLinesTest, AtMostFiftyDistinctProducts) {
  std::vector<RequestedLine> lines;
  for (int i = 0; i < 50; ++i) lines.push_back({"p" + std::to_string(i), 1});
  EXPECT_TRUE(MergeLines(lines));
  lines.push_back({"p50", 1});
  EXPECT_FALSE(MergeLines(lines));
}

}  // namespace
}  // namespace shop::order::domain
