// An unknown email costs about what a wrong password costs: both run one Argon2id verification
// (a dummy hash for the unknown email), so response time does not reveal which accounts exist.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using testing::Harness;

double MedianMs(Harness& h, const std::string& body) {
  std::vector<double> ms;
  for (int i = 0; i < 7; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto res = h.Call(http::Method::kPost, "/api/v1/auth/login", body);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    EXPECT_EQ(res.status, 401);
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

TEST(LoginTimingTest, UnknownEmailTakesAboutAsLongAsAWrongPassword) {
  auto cfg = testing::TestConfig();
  cfg.argon2_memlimit_kib = 4096;  // ~ a few ms per hash: large against the rest of the request
  cfg.argon2_opslimit = 2;
  cfg.login_max_failures_per_account = 0;
  cfg.login_max_failures_per_ip = 0;
  Harness h(cfg);
  h.Register("ann@example.com", "ann-password");
  const double wrong = MedianMs(h, json::Serialize(boost::json::object{{"email", "ann@example.com"}, {"password", "nope-nope"}}));
  const double unknown = MedianMs(h, json::Serialize(boost::json::object{{"email", "zed@example.com"}, {"password", "nope-nope"}}));
  EXPECT_GT(unknown, wrong * 0.5) << "unknown " << unknown << " ms vs wrong password " << wrong << " ms";
  EXPECT_LT(unknown, wrong * 2.0) << "unknown " << unknown << " ms vs wrong password " << wrong << " ms";
}

}  // namespace
}  // namespace shop::user
