#include "shop/idempotency/idempotency.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "shop/testing/testing.hpp"

namespace shop::idempotency {
namespace {

constexpr UnixMillis kNow = 1'790'000'000'000;

struct Fixture {
  testing::TempDatabase tdb;
  Fixture() { EXPECT_TRUE(db::Migrate(*tdb, "idempotency", SchemaMigrations())); }
};

http::Request Post(std::string body, std::string key = "k-1") {
  http::Request r;
  r.method = http::Method::kPost;
  r.SetTarget("/api/v1/orders");
  r.body = std::move(body);
  r.headers.Add("Idempotency-Key", std::move(key));
  return r;
}

TEST(IdempotencyTest, KeyHeaderIsOptionalButMustBeSaneWhenPresent) {
  http::Request r;
  EXPECT_FALSE(KeyOf(r)->has_value());
  EXPECT_EQ(KeyOf(Post("{}", "abc-123")).value(), std::optional<std::string>("abc-123"));
  EXPECT_FALSE(KeyOf(Post("{}", "")));
  EXPECT_FALSE(KeyOf(Post("{}", std::string(256, 'a'))));
  EXPECT_FALSE(KeyOf(Post("{}", "has space")));
}

TEST(IdempotencyTest, FingerprintDependsOnBodyMethodAndPath) {
  const auto a = Fingerprint(Post(R"({"x":1})"));
  EXPECT_EQ(a, Fingerprint(Post(R"({"x":1})")));
  EXPECT_NE(a, Fingerprint(Post(R"({"x":2})")));
  auto other_path = Post(R"({"x":1})");
  other_path.SetTarget("/api/v1/payments");
  EXPECT_NE(a, Fingerprint(other_path));
}

TEST(IdempotencyTest, FirstUseProceedsThenSameRequestReplaysStoredResponse) {
  Fixture f;
  auto first = f.tdb->Write([&](db::Tx& tx) -> Result<std::optional<Stored>> {
    auto seen = Lookup(tx, "u1", "k-1", "fp", kNow);
    if (!seen || *seen) return seen;
    if (auto s = Save(tx, "u1", "k-1", "fp", 201, R"({"id":"o1"})", kNow); !s) return s.error();
    return seen;
  });
  ASSERT_TRUE(first);
  EXPECT_FALSE(first->has_value());
  auto second = f.tdb->Write([&](db::Tx& tx) { return Lookup(tx, "u1", "k-1", "fp", kNow + 1000); });
  ASSERT_TRUE(second);
  ASSERT_TRUE(second->has_value());
  EXPECT_EQ((*second)->status, 201);
  EXPECT_EQ((*second)->body, R"({"id":"o1"})");
  const auto replay = Replay(**second);
  EXPECT_EQ(replay.body, R"({"id":"o1"})");
  EXPECT_EQ(replay.headers.Get("Idempotent-Replayed").value_or(""), "true");
}

TEST(IdempotencyTest, SameKeyWithDifferentRequestIsConflict) {
  Fixture f;
  ASSERT_TRUE(f.tdb->Write([&](db::Tx& tx) { return Save(tx, "u1", "k-1", "fp-a", 201, "{}", kNow); }));
  auto r = f.tdb->Write([&](db::Tx& tx) { return Lookup(tx, "u1", "k-1", "fp-b", kNow); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
}

TEST(IdempotencyTest, KeysAreScopedPerUser) {
  Fixture f;
  ASSERT_TRUE(f.tdb->Write([&](db::Tx& tx) { return Save(tx, "u1", "k-1", "fp-a", 201, "{}", kNow); }));
  auto r = f.tdb->Write([&](db::Tx& tx) { return Lookup(tx, "u2", "k-1", "fp-b", kNow); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(IdempotencyTest, ExpiredKeyMayBeReusedAndPurgeRemovesIt) {
  Fixture f;
  ASSERT_TRUE(f.tdb->Write([&](db::Tx& tx) { return Save(tx, "u1", "k-1", "fp-a", 201, "{}", kNow); }));
  auto r = f.tdb->Write([&](db::Tx& tx) { return Lookup(tx, "u1", "k-1", "fp-b", kNow + kTtlMs + 1); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
  ASSERT_TRUE(f.tdb->Write([&](db::Tx& tx) { return Save(tx, "u1", "k-2", "fp", 201, "{}", kNow); }));
  EXPECT_EQ(Purge(*f.tdb, kNow + kTtlMs + 1).value(), 1);
}

TEST(IdempotencyTest, ConcurrentRequestsWithOneKeyDoTheWorkOnce) {
  Fixture f;
  ASSERT_TRUE(f.tdb->ExecScript("CREATE TABLE work (n INTEGER)"));
  std::atomic<int> replays{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      auto r = f.tdb->Write([&](db::Tx& tx) -> Result<void> {
        auto seen = Lookup(tx, "u1", "k-1", "fp", kNow);
        if (!seen) return seen.error();
        if (*seen) {
          ++replays;
          return Ok();
        }
        if (auto w = tx.Exec("INSERT INTO work (n) VALUES (1)"); !w) return w.error();
        return Save(tx, "u1", "k-1", "fp", 201, "{}", kNow);
      });
      EXPECT_TRUE(r) << (r ? "" : r.error().detail);
    });
  }
  for (auto& t : threads) t.join();
  auto n = f.tdb->Read([](db::Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM work"); });
  ASSERT_TRUE(n);
  EXPECT_EQ((**n).Int(0), 1);
  EXPECT_EQ(replays.load(), 15);
}

}  // namespace
}  // namespace shop::idempotency
