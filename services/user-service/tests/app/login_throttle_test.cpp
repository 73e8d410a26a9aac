// Failed-login throttling per account and per IP; successes are not counted.
#include <gtest/gtest.h>

#include "app/login_throttle.hpp"

namespace shop::user {
namespace {

TEST(LoginThrottleTest, AccountIsThrottledAfterMaxFailuresUntilTheWindowSlides) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 3, .account_window_s = 900}, clock);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(t.Check("ann@x.io", "1.1.1.1"));
    t.RecordFailure("ann@x.io", "1.1.1.1");
    clock.Advance(10'000);
  }
  auto r = t.Check("ann@x.io", "2.2.2.2");  // another IP: the account is what is limited
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kRateLimited);
  // The first failure was 30 s ago: it leaves the 900 s window in 870 s.
  EXPECT_EQ(r.error().retry_after_s, 870);
  EXPECT_TRUE(t.Check("bob@x.io", "1.1.1.1")) << "other accounts are not affected";
  clock.Advance(870'000);
  EXPECT_TRUE(t.Check("ann@x.io", "1.1.1.1"));
}

TEST(LoginThrottleTest, IpIsThrottledAcrossAccounts) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 100, .max_failures_per_ip = 5, .ip_window_s = 60}, clock);
  for (int i = 0; i < 5; ++i) t.RecordFailure("user" + std::to_string(i) + "@x.io", "9.9.9.9");
  auto r = t.Check("fresh@x.io", "9.9.9.9");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().retry_after_s, 60);
  EXPECT_TRUE(t.Check("fresh@x.io", "8.8.8.8"));
}

TEST(LoginThrottleTest, SuccessesAreNotCountedAndClearTheAccount) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 3, .max_failures_per_ip = 3}, clock);
  t.RecordFailure("ann@x.io", "1.1.1.1");
  t.RecordFailure("ann@x.io", "1.1.1.1");
  t.RecordSuccess("ann@x.io");
  for (int i = 0; i < 50; ++i) t.RecordSuccess("office@x.io");  // a busy NAT address
  EXPECT_TRUE(t.Check("ann@x.io", "5.5.5.5"));
  t.RecordFailure("ann@x.io", "5.5.5.5");
  t.RecordFailure("ann@x.io", "5.5.5.5");
  EXPECT_TRUE(t.Check("ann@x.io", "5.5.5.5")) << "the count restarted after the success";
}

TEST(LoginThrottleTest, UnknownClientAddressIsNotOneSharedBucket) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 100, .max_failures_per_ip = 2}, clock);
  for (int i = 0; i < 10; ++i) t.RecordFailure("user" + std::to_string(i) + "@x.io", "");
  EXPECT_TRUE(t.Check("fresh@x.io", ""));
}

TEST(LoginThrottleTest, ZeroDisablesALimit) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 0, .max_failures_per_ip = 0}, clock);
  for (int i = 0; i < 1000; ++i) t.RecordFailure("ann@x.io", "1.1.1.1");
  EXPECT_TRUE(t.Check("ann@x.io", "1.1.1.1"));
}

TEST(LoginThrottleTest, MemoryIsBoundedByMaxKeys) {
  ManualClock clock;
  LoginThrottle t({.max_failures_per_account = 2, .max_failures_per_ip = 0, .max_keys = 10}, clock);
  for (int i = 0; i < 100; ++i) {
    t.RecordFailure("u" + std::to_string(i), "ip");
    clock.Advance(1);
  }
  // The newest keys are still tracked.
  t.RecordFailure("u99", "ip");
  EXPECT_FALSE(t.Check("u99", "ip"));
}

}  // namespace
}  // namespace shop::user
