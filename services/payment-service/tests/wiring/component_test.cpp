#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include <boost/json/parse.hpp>

#include "infra/fingerprint_key.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "support/api_harness.hpp"

namespace shop::payment::testing {
namespace {

TEST(ComponentTest, CreatesAPrivateFingerprintKeyInTheDataDirectory) {
  ApiHarness h;
  const auto path = h.data_dir.path() / infra::kFingerprintKeyFile;
  ASSERT_TRUE(std::filesystem::exists(path));
  EXPECT_EQ(std::filesystem::file_size(path), 32u);
  const auto perms = std::filesystem::status(path).permissions();
  EXPECT_EQ(perms & (std::filesystem::perms::group_all | std::filesystem::perms::others_all),
            std::filesystem::perms::none);
}

TEST(ComponentTest, TheFingerprintKeySurvivesARestart) {
  shop::testing::TempDir dir;
  const auto path = (dir.path() / "k").string();
  auto first = infra::LoadOrCreateFingerprintKey(path);
  auto second = infra::LoadOrCreateFingerprintKey(path);
  ASSERT_TRUE(first && second);
  EXPECT_EQ(*first, *second);
  EXPECT_NE(infra::KeyedFingerprint(*first, "fp"), infra::KeyedFingerprint(std::string(32, 'x'), "fp"));
  EXPECT_EQ(infra::KeyedFingerprint(*first, "fp").size(), 64u);
}

TEST(ComponentTest, PurgesExpiredIdempotencyKeysInTheBackground) {
  Config cfg;
  cfg.purge_interval_ms = 20;
  ApiHarness h(cfg);
  const UnixMillis long_ago = h.clock.NowMs() - idempotency::kTtlMs - 1;
  ASSERT_TRUE(h.database.db().Write([&](db::Tx& tx) {
    return idempotency::Save(tx, kAlice, "old", "fp", 201, "{}", long_ago);
  }));
  ASSERT_TRUE(h.database.db().Write([&](db::Tx& tx) {
    return idempotency::Save(tx, kAlice, "fresh", "fp", 201, "{}", h.clock.NowMs());
  }));
  h.StartComponent();
  auto count = [&] {
    return *h.database.db().Read([](db::Tx& tx) -> Result<std::int64_t> {
      auto row = tx.QueryOne("SELECT COUNT(*) FROM idempotency_keys");
      if (!row) return row.error();
      return (*row)->Int(0);
    });
  };
  for (int i = 0; i < 200 && count() != 1; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(count(), 1);
}

}  // namespace
}  // namespace shop::payment::testing

namespace shop::payment::testing {
namespace {

TEST(ComponentTest, SubscribesToOrdersAsPaymentServiceAndCompensatesARejectedPayment) {
  ApiHarness h;
  EXPECT_EQ(h.bus.consumers_of("orders"), std::vector<std::string>{"payment-service"});
  const auto order = h.AddOrder(kAlice, 300);
  auto paid = h.Pay(kAlice, order, "4242424242424242");
  ASSERT_EQ(paid.status, 201);
  const std::string id(boost::json::parse(paid.body).at("id").as_string());
  h.bus.Drain(h.database.db());

  const auto rejected = events::Make("orders", "OrderPaymentRejected", order,
                                     {{"order_id", order}, {"payment_id", id}, {"reason", "order_cancelled"}});
  ASSERT_TRUE(h.bus.Deliver(rejected));
  ASSERT_TRUE(h.bus.Deliver(rejected));
  auto got = h.Call(http::Method::kGet, "/api/v1/payments/" + id, {}, h.Token(kAlice));
  EXPECT_EQ(boost::json::parse(got.body).at("status").as_string(), "REFUNDED");
  auto sent = h.bus.Drain(h.database.db());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].event_type, "PaymentRefunded");
}

}  // namespace
}  // namespace shop::payment::testing
