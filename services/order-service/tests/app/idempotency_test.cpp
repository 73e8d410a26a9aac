#include <gtest/gtest.h>

#include <thread>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

app::PlaceOrderCommand Command(std::int64_t quantity) {
  app::PlaceOrderCommand cmd;
  cmd.items = {{kWidget.id, quantity}};
  cmd.shipping_address = Address();
  return cmd;
}

app::Rendered Render(const domain::Order& o) {
  return {201, "{\"id\":\"" + o.id + "\",\"total_cents\":" + std::to_string(o.total_cents) + "}"};
}

std::int64_t CountOrders(AppHarness& h) {
  auto n = h.db().Read([](db::Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne("SELECT COUNT(*) FROM orders");
    if (!row) return row.error();
    return (*row)->Int(0);
  });
  return n ? *n : -1;
}

TEST(PlaceIdempotencyTest, SameKeyAndBodyReplaysTheFirstResponseAndDoesTheWorkOnce) {
  AppHarness h;
  const app::IdempotencyScope idem{"key-1", "fingerprint-a"};
  auto first = h.orders.Place(kAlice, Command(1), idem, Render, {});
  ASSERT_TRUE(first) << first.error().detail;
  EXPECT_FALSE(first->replayed);
  const int calls = h.catalog.calls();
  auto second = h.orders.Place(kAlice, Command(1), idem, Render, {});
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->response.status, 201);
  EXPECT_EQ(second->response.body, first->response.body);
  EXPECT_EQ(h.catalog.calls(), calls) << "a replay must not price again";
  EXPECT_EQ(CountOrders(h), 1);
  EXPECT_EQ(h.Outbox("OrderCreated").size(), 1u);
}

TEST(PlaceIdempotencyTest, SameKeyWithAnotherRequestIsConflict) {
  AppHarness h;
  ASSERT_TRUE(h.orders.Place(kAlice, Command(1), app::IdempotencyScope{"key-1", "fp-a"}, Render, {}));
  auto other = h.orders.Place(kAlice, Command(2), app::IdempotencyScope{"key-1", "fp-b"}, Render, {});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kConflict);
  EXPECT_EQ(CountOrders(h), 1);
}

TEST(PlaceIdempotencyTest, KeysAreScopedToTheUser) {
  AppHarness h;
  ASSERT_TRUE(h.orders.Place(kAlice, Command(1), app::IdempotencyScope{"shared", "fp"}, Render, {}));
  auto bob = h.orders.Place(kBob, Command(1), app::IdempotencyScope{"shared", "fp"}, Render, {});
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->replayed);
  EXPECT_EQ(CountOrders(h), 2);
}

TEST(PlaceIdempotencyTest, AFailedRequestIsNotRememberedSoARetryCanSucceed) {
  AppHarness h;
  h.catalog.SetDown(true);
  const app::IdempotencyScope idem{"key-1", "fp"};
  auto failed = h.orders.Place(kAlice, Command(1), idem, Render, {});
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, Errc::kUnavailable);
  h.catalog.SetDown(false);
  auto retried = h.orders.Place(kAlice, Command(1), idem, Render, {});
  ASSERT_TRUE(retried);
  EXPECT_FALSE(retried->replayed);
  EXPECT_EQ(CountOrders(h), 1);
}

TEST(PlaceIdempotencyTest, ReplayFromCartWorksAfterTheCartWasEmptied) {
  AppHarness h;
  ASSERT_TRUE(h.carts.Set(kAlice.user_id, kWidget.id, 1, {}));
  app::PlaceOrderCommand cmd;
  cmd.from_cart = true;
  cmd.shipping_address = Address();
  const app::IdempotencyScope idem{"cart-key", "fp"};
  auto first = h.orders.Place(kAlice, cmd, idem, Render, {});
  ASSERT_TRUE(first);
  auto again = h.orders.Place(kAlice, cmd, idem, Render, {});
  ASSERT_TRUE(again) << again.error().detail;
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(again->response.body, first->response.body);
}

TEST(PlaceIdempotencyTest, TwentyConcurrentRequestsWithOneKeyCreateOneOrder) {
  AppHarness h;
  const app::IdempotencyScope idem{"race", "fp"};
  std::vector<std::thread> threads;
  std::vector<Result<app::PlaceOutcome>> results(20, Error::Internal("not run"));
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] { results[i] = h.orders.Place(kAlice, Command(1), idem, Render, {}); });
  }
  for (auto& t : threads) t.join();
  int created = 0;
  std::string body;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().detail;
    if (!r->replayed) ++created;
    if (body.empty()) body = r->response.body;
    EXPECT_EQ(r->response.body, body);
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(CountOrders(h), 1);
  EXPECT_EQ(h.Outbox("OrderCreated").size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
