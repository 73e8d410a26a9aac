#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness.hpp"

namespace shop::product {
namespace {

using testing::Harness;

TEST(InventoryServiceTest, SetOnHandThenGetReportsAvailable) {
  Harness h;
  auto p = h.Add("INV-1");
  auto s = h.inventory.SetOnHand(p.id, 7);
  ASSERT_TRUE(s);
  auto got = h.inventory.Get(p.id);
  ASSERT_TRUE(got);
  EXPECT_EQ(got->on_hand, 7);
  EXPECT_EQ(got->reserved, 0);
  EXPECT_EQ(got->available(), 7);
  EXPECT_EQ(h.catalog.Get(p.id)->stock_available, 7);
}

TEST(InventoryServiceTest, UnknownOrDeletedProductIsNotFound) {
  Harness h;
  EXPECT_EQ(h.inventory.Get("missing").error().code, Errc::kNotFound);
  EXPECT_EQ(h.inventory.SetOnHand("missing", 3).error().code, Errc::kNotFound);
  auto p = h.Add("INV-DEL", 100, "x", 4);
  ASSERT_TRUE(h.catalog.Delete(p.id));
  EXPECT_EQ(h.inventory.Get(p.id).error().code, Errc::kNotFound);
}

TEST(InventoryServiceTest, OnHandCannotDropBelowReserved) {
  Harness h;
  auto p = h.Add("INV-2", 100, "x", 10);
  ASSERT_TRUE(h.inventory.Reserve("order-1", {{p.id, 6}})->reserved);
  auto low = h.inventory.SetOnHand(p.id, 5);
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code, Errc::kConflict);
  EXPECT_TRUE(h.inventory.SetOnHand(p.id, 6));
  EXPECT_EQ(h.inventory.Get(p.id)->available(), 0);
  EXPECT_EQ(h.inventory.SetOnHand(p.id, -1).error().code, Errc::kInvalid);
}

TEST(InventoryServiceTest, ReserveIsAllOrNothingAcrossLines) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  auto b = h.Add("B", 100, "x", 1);
  auto out = h.inventory.Reserve("order-short", {{a.id, 3}, {b.id, 2}});
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->reserved);
  ASSERT_EQ(out->shortages.size(), 1u);
  EXPECT_EQ(out->shortages[0].product_id, b.id);
  EXPECT_EQ(out->shortages[0].requested, 2);
  EXPECT_EQ(out->shortages[0].available, 1);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(b.id).reserved, 0);
  h.Drain();
  auto failed = h.recorder.Of("InventoryReservationFailed");
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0].data.at("order_id").as_string(), "order-short");
  EXPECT_EQ(failed[0].data.at("shortages").as_array().size(), 1u);
  EXPECT_EQ(h.recorder.Count("InventoryReserved"), 0u);
}

TEST(InventoryServiceTest, UnknownAndDeletedProductsAreShortagesWithNothingAvailable) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  auto d = h.Add("D", 100, "x", 5);
  ASSERT_TRUE(h.catalog.Delete(d.id));
  auto out = h.inventory.Reserve("order-x", {{a.id, 1}, {"nope", 1}, {d.id, 1}});
  ASSERT_TRUE(out);
  EXPECT_FALSE(out->reserved);
  ASSERT_EQ(out->shortages.size(), 2u);
  EXPECT_EQ(out->shortages[0].product_id, "nope");
  EXPECT_EQ(out->shortages[0].available, 0);
  EXPECT_EQ(out->shortages[1].product_id, d.id);
  EXPECT_EQ(out->shortages[1].available, 0);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
}

TEST(InventoryServiceTest, ReserveHoldsStockUntilTtlAndPublishesExpiry) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  auto out = h.inventory.Reserve("order-ok", {{a.id, 2}, {a.id, 1}});
  ASSERT_TRUE(out);
  ASSERT_TRUE(out->reserved);
  EXPECT_EQ(out->expires_at, h.clock.NowMs() + 15 * 60 * 1000);
  EXPECT_EQ(h.Stock(a.id).reserved, 3);
  EXPECT_EQ(h.inventory.Get(a.id)->available(), 2);
  h.Drain();
  auto ev = h.recorder.Of("InventoryReserved");
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].topic, "inventory");
  EXPECT_EQ(ev[0].key, "order-ok");
  EXPECT_EQ(ev[0].data.at("expires_at").as_string(), FormatRfc3339(out->expires_at));
}

TEST(InventoryServiceTest, SameOrderReservesOnce) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(h.inventory.Reserve("order-1", {{a.id, 2}})->reserved);
  auto again = h.inventory.Reserve("order-1", {{a.id, 2}});
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(h.Stock(a.id).reserved, 2);
}

TEST(InventoryServiceTest, ReleaseRestoresStockExactlyAndIsANoOpTheSecondTime) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  auto b = h.Add("B", 100, "x", 9);
  ASSERT_TRUE(h.inventory.Reserve("order-1", {{a.id, 2}, {b.id, 4}})->reserved);
  auto rel = h.db().Write([&](db::Tx& tx) { return h.inventory.ReleaseInTx(tx, "order-1", "cancelled"); });
  ASSERT_TRUE(rel);
  EXPECT_TRUE(*rel);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(a.id).on_hand, 5);
  EXPECT_EQ(h.Stock(b.id).reserved, 0);
  EXPECT_EQ(h.Stock(b.id).on_hand, 9);
  auto twice = h.db().Write([&](db::Tx& tx) { return h.inventory.ReleaseInTx(tx, "order-1", "cancelled"); });
  ASSERT_TRUE(twice);
  EXPECT_FALSE(*twice);
  auto unknown = h.db().Write([&](db::Tx& tx) { return h.inventory.ReleaseInTx(tx, "order-404", "cancelled"); });
  ASSERT_TRUE(unknown);
  EXPECT_FALSE(*unknown);
  h.Drain();
  auto released = h.recorder.Of("InventoryReleased");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].data.at("reason").as_string(), "cancelled");
}

TEST(InventoryServiceTest, CommitConsumesHeldStockOnce) {
  Harness h;
  auto a = h.Add("A", 100, "x", 5);
  ASSERT_TRUE(h.inventory.Reserve("order-1", {{a.id, 2}})->reserved);
  auto c = h.db().Write([&](db::Tx& tx) { return h.inventory.CommitInTx(tx, "order-1"); });
  ASSERT_TRUE(c);
  EXPECT_TRUE(*c);
  EXPECT_EQ(h.Stock(a.id).on_hand, 3);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  auto again = h.db().Write([&](db::Tx& tx) { return h.inventory.CommitInTx(tx, "order-1"); });
  ASSERT_TRUE(again);
  EXPECT_FALSE(*again);
  // Committed stock is not released by a later cancel or by expiry.
  auto rel = h.db().Write([&](db::Tx& tx) { return h.inventory.ReleaseInTx(tx, "order-1", "cancelled"); });
  ASSERT_TRUE(rel);
  EXPECT_FALSE(*rel);
  h.clock.Advance(16 * 60 * 1000);
  EXPECT_EQ(*h.inventory.SweepExpired(), 0);
  EXPECT_EQ(h.Stock(a.id).on_hand, 3);
}

TEST(InventoryServiceTest, SweepReleasesOnlyExpiredReservations) {
  Harness h;
  auto a = h.Add("A", 100, "x", 10);
  ASSERT_TRUE(h.inventory.Reserve("old", {{a.id, 3}})->reserved);
  h.clock.Advance(10 * 60 * 1000);
  ASSERT_TRUE(h.inventory.Reserve("new", {{a.id, 4}})->reserved);
  h.clock.Advance(5 * 60 * 1000 - 1);
  EXPECT_EQ(*h.inventory.SweepExpired(), 0);
  h.clock.Advance(1);
  EXPECT_EQ(*h.inventory.SweepExpired(), 1);
  EXPECT_EQ(h.Stock(a.id).reserved, 4);
  EXPECT_EQ(*h.inventory.SweepExpired(), 0);
  h.clock.Advance(10 * 60 * 1000);
  EXPECT_EQ(*h.inventory.SweepExpired(), 1);
  EXPECT_EQ(h.Stock(a.id).reserved, 0);
  EXPECT_EQ(h.Stock(a.id).on_hand, 10);
  h.Drain();
  auto released = h.recorder.Of("InventoryReleased");
  ASSERT_EQ(released.size(), 2u);
  EXPECT_EQ(released[0].data.at("order_id").as_string(), "old");
  EXPECT_EQ(released[0].data.at("reason").as_string(), "expired");
}

TEST(InventoryServiceTest, ConcurrentReservationsNeverOversell) {
  Harness h;
  auto a = h.Add("HOT-A", 100, "x", 7);
  auto b = h.Add("HOT-B", 100, "x", 11);
  constexpr int kThreads = 8;
  constexpr int kOrdersPerThread = 12;
  std::atomic<int> successes{0}, failures{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kOrdersPerThread; ++i) {
        const std::string order = "o-" + std::to_string(t) + "-" + std::to_string(i);
        // Every order wants one of each: at most min(7, 11) can succeed.
        auto r = h.inventory.Reserve(order, {{a.id, 1}, {b.id, 1}});
        if (!r) {
          ++errors;
        } else if (r->reserved) {
          ++successes;
        } else {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(successes.load(), 7);
  EXPECT_EQ(successes + failures + errors, kThreads * kOrdersPerThread);
  for (const auto& id : {a.id, b.id}) {
    auto s = h.Stock(id);
    EXPECT_EQ(s.reserved, successes.load());
    EXPECT_GE(s.available(), 0);
    EXPECT_EQ(s.on_hand - s.reserved, h.inventory.Get(id)->available());
  }
  EXPECT_EQ(h.Stock(a.id).available(), 0);
  EXPECT_EQ(h.Stock(b.id).available(), 4);
}

}  // namespace
}  // namespace shop::product
