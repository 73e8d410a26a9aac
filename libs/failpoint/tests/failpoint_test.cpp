#include "shop/failpoint/failpoint.hpp"

#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>

namespace shop::failpoint {
namespace {

class FailpointTest : public ::testing::Test {
 protected:
  void TearDown() override { Clear(); }
};

TEST_F(FailpointTest, UnconfiguredHitIsOk) {
  Clear();
  EXPECT_TRUE(Hit("anything"));
}

TEST_F(FailpointTest, ErrorActionReturnsUnavailableNamingThePoint) {
  ASSERT_TRUE(Configure("a.b=error"));
  auto r = Hit("a.b");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_NE(r.error().detail.find("a.b"), std::string::npos);
  EXPECT_FALSE(Hit("a.b")) << "no count: fires every time";
  EXPECT_TRUE(Hit("other"));
}

TEST_F(FailpointTest, CountPrefixFiresOnlyThatManyTimes) {
  ASSERT_TRUE(Configure("p=2*error"));
  EXPECT_FALSE(Hit("p"));
  EXPECT_FALSE(Hit("p"));
  EXPECT_TRUE(Hit("p"));
  EXPECT_TRUE(Hit("p"));
}

TEST_F(FailpointTest, ZeroPercentNeverFiresAndHundredAlwaysDoes) {
  ASSERT_TRUE(Configure("never=0%error, always=100%error"));
  for (int i = 0; i < 50; ++i) {
    EXPECT_TRUE(Hit("never"));
    EXPECT_FALSE(Hit("always"));
  }
}

TEST_F(FailpointTest, ProbabilityFiresSometimes) {
  ASSERT_TRUE(Configure("half=50%error"));
  int fired = 0;
  for (int i = 0; i < 1000; ++i) fired += Hit("half") ? 0 : 1;
  EXPECT_GT(fired, 300);
  EXPECT_LT(fired, 700);
}

TEST_F(FailpointTest, SleepActionDelaysAndReturnsOk) {
  ASSERT_TRUE(Configure("slow=sleep(50)"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(Hit("slow"));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
}

TEST_F(FailpointTest, ConfigureReplacesAndClearDisables) {
  ASSERT_TRUE(Configure("x=error"));
  ASSERT_TRUE(Configure("y=error"));
  EXPECT_TRUE(Hit("x"));
  EXPECT_FALSE(Hit("y"));
  Clear();
  EXPECT_TRUE(Hit("y"));
}

TEST_F(FailpointTest, ParseErrorsNameTheBadEntryAndKeepTheOldConfiguration) {
  ASSERT_TRUE(Configure("keep=error"));
  for (const char* bad : {"good=error,broken", "x=explode", "x=sleep(abc)", "x=sleep(10", "=error",
                          "x=-1*error", "x=150%error", "x=a*error"}) {
    auto r = Configure(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::kInvalid);
    const std::string spec(bad);
    const auto entry = spec.substr(spec.find(',') == std::string::npos ? 0 : spec.find(',') + 1);
    EXPECT_NE(r.error().detail.find("'" + entry + "'"), std::string::npos) << r.error().detail;
  }
  EXPECT_FALSE(Hit("keep"));
}

TEST_F(FailpointTest, WhitespaceAndEmptyEntriesAreTolerated) {
  ASSERT_TRUE(Configure("  a = 1*error ,, b=sleep( 1 ) "));
  EXPECT_FALSE(Hit("a"));
  EXPECT_TRUE(Hit("b"));
  ASSERT_TRUE(Configure(""));
  EXPECT_TRUE(Hit("a"));
}

TEST_F(FailpointTest, CrashKillsTheProcessLikeSigkill) {
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!Configure("die=crash")) ::_exit(2);
    (void)Hit("die");
    ::_exit(0);  // not reached when the failpoint works
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status)) << "exit status " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST_F(FailpointTest, CrashWithExhaustedCountDoesNothing) {
  ASSERT_TRUE(Configure("die=0*crash"));
  EXPECT_TRUE(Hit("die"));
}

}  // namespace
}  // namespace shop::failpoint

namespace shop::failpoint {
namespace {

// Runs in a re-executed copy of this binary whose environment carries FAILPOINTS.
TEST(FailpointEnvTest, ChildSeesFailpointsFromEnvironment) {
  if (std::getenv("SHOP_FAILPOINT_ENV_CHILD") == nullptr) GTEST_SKIP() << "runs only as a child";
  EXPECT_FALSE(Hit("from.env"));
}

TEST(FailpointEnvTest, FailpointsEnvironmentVariableIsAppliedAtStartup) {
  if (std::getenv("SHOP_FAILPOINT_ENV_CHILD") != nullptr) GTEST_SKIP();
  char exe[4096] = {0};
  ASSERT_GT(::readlink("/proc/self/exe", exe, sizeof exe - 1), 0);
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::setenv("FAILPOINTS", "from.env=error", 1);
    ::setenv("SHOP_FAILPOINT_ENV_CHILD", "1", 1);
    const char* argv[] = {exe, "--gtest_filter=FailpointEnvTest.ChildSeesFailpointsFromEnvironment", nullptr};
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::execv(exe, const_cast<char* const*>(argv));
    ::_exit(3);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace shop::failpoint
