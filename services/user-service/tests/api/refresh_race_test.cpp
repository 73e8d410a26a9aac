// Concurrent refreshes of one token: exactly one wins, the others are reuse and end the family.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

TEST(RefreshRaceTest, ParallelRefreshesOfOneTokenIssueAtMostOnePair) {
  testing::Harness h;
  h.Register("ann@example.com", "ann-password");
  auto t = h.Login("ann@example.com", "ann-password");
  const auto body = json::Serialize(boost::json::object{{"refresh_token", t.refresh}});
  std::atomic<int> ok{0}, unauthorized{0}, other{0};
  std::vector<std::string> issued(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto res = h.Call(http::Method::kPost, "/api/v1/auth/refresh", body);
      if (res.status == 200) {
        ++ok;
        issued[i] = std::string(testing::Harness::Body(res).at("refresh_token").as_string());
      } else if (res.status == 401) {
        ++unauthorized;
      } else {
        ++other;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(unauthorized.load(), 7);
  EXPECT_EQ(other.load(), 0);
  // The replays revoked the family, including the pair the winner received.
  for (const auto& r : issued) {
    if (r.empty()) continue;
    auto res = h.Call(http::Method::kPost, "/api/v1/auth/refresh",
                      json::Serialize(boost::json::object{{"refresh_token", r}}));
    EXPECT_EQ(res.status, 401);
  }
}

}  // namespace
}  // namespace shop::user
