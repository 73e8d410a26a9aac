// Pay under concurrency and at the edges of its one transaction.
#include <gtest/gtest.h>

#include <thread>

#include "shop/failpoint/failpoint.hpp"
#include "support/harness.hpp"

namespace shop::payment::testing {
namespace {

class PayAtomicityTest : public ::testing::Test {
 protected:
  AppHarness h;
  domain::OrderSnapshot order = ReservedOrder(kAlice, 700);
  void SetUp() override { h.orders.Put(order); }
  void TearDown() override { failpoint::Clear(); }
};

TEST_F(PayAtomicityTest, ConcurrentRetriesOfOneKeyChargeOnceAndAllGetTheSameAnswer) {
  constexpr int kThreads = 12;
  std::vector<Result<app::PayOutcome>> results(kThreads, Error::Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] { results[i] = h.Pay(kAlice, order.id, "4242424242424242", {{"same-key", "fp"}}); });
  }
  for (auto& t : threads) t.join();
  std::string body;
  int fresh = 0;
  for (const auto& r : results) {
    ASSERT_TRUE(r) << r.error().detail;
    if (!r->replayed) ++fresh;
    if (body.empty()) body = r->response.body;
    EXPECT_EQ(r->response.body, body);
  }
  EXPECT_EQ(fresh, 1);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
  EXPECT_EQ(h.bus.Drain(h.database.db()).size(), 1u);
}

TEST_F(PayAtomicityTest, ConcurrentPaymentsWithDifferentKeysCaptureAnOrderOnce) {
  constexpr int kThreads = 8;
  std::vector<Result<app::PayOutcome>> results(kThreads, Error::Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      results[i] = h.Pay(kAlice, order.id, "4242424242424242", {{"key-" + std::to_string(i), "fp"}});
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const auto& r : results) {
    if (r) {
      ++ok;
    } else {
      EXPECT_EQ(r.error().code, Errc::kConflict) << r.error().detail;
    }
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments WHERE status = 'SUCCEEDED'"), 1);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM idempotency_keys"), 1);
}

TEST_F(PayAtomicityTest, AFailureBeforeCommitLeavesNoPaymentNoEventAndNoKey) {
  ASSERT_TRUE(failpoint::Configure("payment.before_commit=1*error"));
  auto failed = h.Pay(kAlice, order.id, "4242424242424242", {{"k", "fp"}});
  ASSERT_FALSE(failed);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 0);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM idempotency_keys"), 0);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());

  auto retry = h.Pay(kAlice, order.id, "4242424242424242", {{"k", "fp"}});
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_FALSE(retry->replayed);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
}

TEST_F(PayAtomicityTest, ARetryAfterAnAmbiguousCommitReplaysTheStoredAnswer) {
  ASSERT_TRUE(failpoint::Configure("payment.after_commit=1*error"));
  auto lost = h.Pay(kAlice, order.id, "4242424242424242", {{"k", "fp"}});
  ASSERT_FALSE(lost);  // the client never saw the answer
  auto retry = h.Pay(kAlice, order.id, "4242424242424242", {{"k", "fp"}});
  ASSERT_TRUE(retry) << retry.error().detail;
  EXPECT_TRUE(retry->replayed);
  EXPECT_EQ(retry->response.status, 201);
  EXPECT_NE(retry->response.body.find("SUCCEEDED"), std::string::npos);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
  EXPECT_EQ(h.bus.Drain(h.database.db()).size(), 1u);
}

TEST_F(PayAtomicityTest, AnExpiredKeyMayBeUsedAfresh) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4000000000000002", {{"k", "fp-a"}}));
  h.clock.Advance(25LL * 3600 * 1000);
  auto later = h.Pay(kAlice, order.id, "4242424242424242", {{"k", "fp-b"}});
  ASSERT_TRUE(later) << later.error().detail;
  EXPECT_FALSE(later->replayed);
  EXPECT_EQ(later->payment->status, domain::PaymentStatus::kSucceeded);
}

}  // namespace
}  // namespace shop::payment::testing
