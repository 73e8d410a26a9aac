#include "infra/expiry_sweeper.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "support/harness.hpp"

namespace shop::order::testing {
namespace {

TEST(ExpirySweeperTest, TheBackgroundThreadCancelsStaleOrdersAndStopJoins) {
  AppHarness h(app::ExpiryPolicy{1'000, 10'000});
  auto o = h.Reserved(kAlice);
  infra::ExpirySweeper sweeper(h.saga, h.db(), h.clock, 10);
  sweeper.Start();
  h.clock.Advance(2'000);
  bool cancelled = false;
  for (int i = 0; i < 200 && !cancelled; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    cancelled = h.OrderStatus(o.id) == "CANCELLED";
  }
  sweeper.Stop();
  EXPECT_TRUE(cancelled);
  sweeper.Stop();  // idempotent
}

TEST(ExpirySweeperTest, SweepOnceReportsHowManyItCancelled) {
  AppHarness h(app::ExpiryPolicy{1'000, 10'000});
  h.Reserved(kAlice);
  infra::ExpirySweeper sweeper(h.saga, h.db(), h.clock, 1000);
  auto none = sweeper.SweepOnce();
  ASSERT_TRUE(none);
  EXPECT_EQ(*none, 0);
  h.clock.Advance(1'500);
  auto one = sweeper.SweepOnce();
  ASSERT_TRUE(one);
  EXPECT_EQ(*one, 1);
}

}  // namespace
}  // namespace shop::order::testing
