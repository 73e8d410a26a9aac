// An unknown email costs about what a wrong password costs: both run one Argon2id verification
// (a dummy hash for the unknown email), so response time does not reveal which accounts exist.
// Measured in process CPU time (the machine is shared: wall time would measure the neighbours),
// with the two kinds of request interleaved.
#include <gtest/gtest.h>

#include <time.h>

#include <algorithm>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using testing::Harness;

double CpuMs() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

TEST(LoginTimingTest, UnknownEmailTakesAboutAsLongAsAWrongPassword) {
  auto cfg = testing::TestConfig();
  cfg.argon2_memlimit_kib = 4096;  // a few ms per hash: large against the rest of the request
  cfg.argon2_opslimit = 2;
  cfg.login_max_failures_per_account = 0;
  cfg.login_max_failures_per_ip = 0;
  Harness h(cfg);
  h.Register("ann@example.com", "ann-password");
  const auto wrong_body = json::Serialize(boost::json::object{{"email", "ann@example.com"}, {"password", "nope-nope"}});
  const auto unknown_body = json::Serialize(boost::json::object{{"email", "zed@example.com"}, {"password", "nope-nope"}});
  std::vector<double> wrong, unknown;
  for (int i = 0; i < 9; ++i) {
    for (auto* body : {&wrong_body, &unknown_body}) {
      const double t0 = CpuMs();
      auto res = h.Call(http::Method::kPost, "/api/v1/auth/login", *body);
      (body == &wrong_body ? wrong : unknown).push_back(CpuMs() - t0);
      EXPECT_EQ(res.status, 401);
    }
  }
  const double w = Median(wrong), u = Median(unknown);
  EXPECT_GT(u, w * 0.6) << "unknown " << u << " ms vs wrong password " << w << " ms (CPU)";
  EXPECT_LT(u, w * 1.6) << "unknown " << u << " ms vs wrong password " << w << " ms (CPU)";
}

}  // namespace
}  // namespace shop::user
