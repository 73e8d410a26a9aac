#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <thread>

#include "shop/events/relay.hpp"

namespace shop::events {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/shop-relay-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string url() const { return "sqlite://" + path_ + "/t.db"; }

 private:
  std::string path_;
};

std::unique_ptr<db::Database> MigratedDb(const TempDir& dir) {
  auto db = db::Open(dir.url());
  EXPECT_TRUE(db);
  EXPECT_TRUE(db::Migrate(**db, "events", SchemaMigrations()));
  return std::move(*db);
}

template <class Pred>
bool WaitFor(Pred pred, std::chrono::seconds deadline = std::chrono::seconds(10)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST(OutboxRelayThreadTest, RelayThreadAndDrainTogetherDeliverEachEventOnce) {
  TempDir dir;
  auto db = MigratedDb(dir);
  InProcBus bus;
  std::mutex mu;
  std::map<std::string, int> seen;
  bus.Subscribe("orders", "svc", [&](const Envelope& e) {
    std::lock_guard lock(mu);
    ++seen[e.event_id];
    return Ok();
  });
  RelayOptions options;
  options.service = "race-test";
  options.poll_interval_ms = 5;
  options.batch_size = 7;
  OutboxRelay relay(*db, bus, options);
  relay.Start();
  constexpr int kEvents = 300;
  std::thread writer([&] {
    for (int i = 0; i < kEvents; ++i) {
      ASSERT_TRUE(db->Write([](db::Tx& tx) { return Append(tx, Make("orders", "X", "k", {})); }));
    }
  });
  std::thread drainer([&] {
    for (int i = 0; i < 50; ++i) (void)relay.Drain();
  });
  writer.join();
  drainer.join();
  EXPECT_TRUE(WaitFor([&] {
    std::lock_guard lock(mu);
    return seen.size() == kEvents;
  }));
  relay.Stop();
  std::lock_guard lock(mu);
  for (const auto& [id, n] : seen) EXPECT_EQ(n, 1) << id;
}

TEST(OutboxRelayThreadTest, SentRowsOlderThanSevenDaysAreDeleted) {
  TempDir dir;
  auto db = MigratedDb(dir);
  InProcBus bus;
  ManualClock clock;
  const UnixMillis day = 24LL * 3600 * 1000;
  ASSERT_TRUE(db->Write([&](db::Tx& tx) -> Result<void> {
    for (auto [id, age] : {std::pair{"old", 8 * day}, {"recent", 1 * day}}) {
      auto e = Make("orders", "X", "k", {}, clock);
      e.event_id = id;
      if (auto r = Append(tx, e); !r) return r;
      auto u = tx.Exec("UPDATE outbox SET status = 'sent', published_at = $1 WHERE event_id = $2",
                       {clock.NowMs() - age, id});
      if (!u) return u.error();
    }
    return Ok();
  }));
  RelayOptions options;
  options.service = "cleanup-test";
  options.clock = &clock;
  OutboxRelay relay(*db, bus, options);
  relay.Start();
  auto remaining = [&] {
    auto r = db->Read([](db::Tx& tx) { return tx.Query("SELECT event_id FROM outbox ORDER BY seq"); });
    return r && r->size() == 1 && (*r)[0].Text(0) == "recent";
  };
  EXPECT_TRUE(WaitFor(remaining));
  relay.Stop();
}

TEST(OutboxRelayThreadTest, StopIsIdempotentAndRestartWorks) {
  TempDir dir;
  auto db = MigratedDb(dir);
  InProcBus bus;
  std::atomic<int> delivered{0};
  bus.Subscribe("orders", "svc", [&](const Envelope&) {
    ++delivered;
    return Ok();
  });
  OutboxRelay relay(*db, bus, {.service = "restart-test"});
  relay.Start();
  relay.Stop();
  relay.Stop();
  relay.Start();
  ASSERT_TRUE(db->Write([](db::Tx& tx) { return Append(tx, Make("orders", "X", "k", {})); }));
  EXPECT_TRUE(WaitFor([&] { return delivered.load() == 1; }));
  relay.Stop();
}

}  // namespace
}  // namespace shop::events
