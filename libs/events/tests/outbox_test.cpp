#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <mutex>
#include <thread>

#include "events_test_util.hpp"
#include "shop/events/relay.hpp"
#include "shop/failpoint/failpoint.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::events {
namespace {

using testing::Count;

// An idempotent consumer in the shape every service uses: inbox + effect in one transaction.
Handler IdempotentConsumer(db::Database& db, std::string name) {
  return [&db, name](const Envelope& e) {
    return db.Write([&](db::Tx& tx) -> Result<void> {
      auto first = Remember(tx, name, e.event_id);
      if (!first) return first.error();
      if (!*first) return Ok();
      if (auto r = tx.Exec("INSERT INTO effects VALUES ($1, $2)", {name, e.event_id}); !r) return r.error();
      return Ok();
    });
  };
}

class OutboxTest : public ::testing::Test {
 protected:
  void TearDown() override { failpoint::Clear(); }
  Result<void> AppendCommitted(const Envelope& e) {
    return db_->Write([&](db::Tx& tx) { return Append(tx, e); });
  }
  RelayOptions Options(std::string service = "test-service") {
    RelayOptions o;
    o.service = std::move(service);
    o.clock = &clock_;
    o.poll_interval_ms = 20;
    return o;
  }
  ManualClock clock_;
  std::unique_ptr<db::Database> db_ = testing::MigratedMemoryDb("CREATE TABLE effects(consumer TEXT, event_id TEXT)");
  InProcBus bus_;
};

TEST_F(OutboxTest, SchemaMigrationsAreRecordedUnderEvents) {
  auto v = db::AppliedVersions(*db_, "events");
  ASSERT_TRUE(v);
  EXPECT_EQ(*v, (std::vector<int>{1, 2}));
}

TEST_F(OutboxTest, RememberIsTrueOnceThenFalse) {
  auto r = db_->Write([](db::Tx& tx) -> Result<std::vector<bool>> {
    std::vector<bool> out;
    for (auto [consumer, id] : {std::pair{"a", "e1"}, {"a", "e1"}, {"b", "e1"}}) {
      auto first = Remember(tx, consumer, id);
      if (!first) return first.error();
      out.push_back(*first);
    }
    return out;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (std::vector<bool>{true, false, true}));
}

TEST_F(OutboxTest, CommittedEventIsPublishedExactlyOnce) {
  std::vector<std::string> got;
  bus_.Subscribe("orders", "svc", [&](const Envelope& e) {
    got.push_back(e.event_id);
    return Ok();
  });
  auto e = Make("orders", "OrderCreated", "o-1", {{"n", 1}}, clock_);
  ASSERT_TRUE(AppendCommitted(e));
  OutboxRelay relay(*db_, bus_, Options());
  auto n = relay.Drain();
  ASSERT_TRUE(n) << n.error().detail;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(*relay.Drain(), 0);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], e.event_id);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND published_at IS NOT NULL"), 1);
  EXPECT_EQ(metrics::Value("shop_outbox_pending", {{"service", "test-service"}}), 0);
}

TEST_F(OutboxTest, RolledBackEventIsNeverPublished) {
  int delivered = 0;
  bus_.Subscribe("orders", "svc", [&](const Envelope&) {
    ++delivered;
    return Ok();
  });
  auto r = db_->Write([&](db::Tx& tx) -> Result<void> {
    if (auto a = Append(tx, Make("orders", "OrderCreated", "o-1", {}, clock_)); !a) return a;
    return Error::Conflict("business rule says no");
  });
  ASSERT_FALSE(r);
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 0);
  EXPECT_EQ(delivered, 0);
}

TEST_F(OutboxTest, EventsArePublishedInCommitOrder) {
  std::vector<std::string> types;
  bus_.Subscribe("orders", "svc", [&](const Envelope& e) {
    types.push_back(e.event_type);
    return Ok();
  });
  for (const char* t : {"A", "B", "C"}) ASSERT_TRUE(AppendCommitted(Make("orders", t, "o-1", {}, clock_)));
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 3);
  EXPECT_EQ(types, (std::vector<std::string>{"A", "B", "C"}));
}

TEST_F(OutboxTest, FailingSubscriberIsRetriedWhileInboxKeepsOtherEffectSingle) {
  bus_.Subscribe("orders", "good", IdempotentConsumer(*db_, "good"));
  int calls = 0;
  bool healthy = false;
  auto flaky = IdempotentConsumer(*db_, "flaky");
  bus_.Subscribe("orders", "flaky", [&](const Envelope& e) -> Result<void> {
    ++calls;
    if (!healthy) return Error::Unavailable("downstream down");
    return flaky(e);
  });
  ASSERT_TRUE(AppendCommitted(Make("orders", "OrderCreated", "o-1", {}, clock_)));
  OutboxRelay relay(*db_, bus_, Options());

  EXPECT_EQ(*relay.Drain(), 0);
  EXPECT_EQ(Count(*db_, "SELECT attempts FROM outbox"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE last_error LIKE '%downstream down%'"), 1);
  EXPECT_EQ(*relay.Drain(), 0) << "not due before its backoff";
  EXPECT_EQ(calls, 1);

  healthy = true;
  clock_.Advance(100);
  EXPECT_EQ(*relay.Drain(), 1);
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM effects WHERE consumer = 'good'"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM effects WHERE consumer = 'flaky'"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 1);
}

TEST_F(OutboxTest, ThrowingSubscriberDoesNotStopTheOthers) {
  int other = 0;
  bus_.Subscribe("orders", "thrower", [](const Envelope&) -> Result<void> { throw std::runtime_error("bug"); });
  bus_.Subscribe("orders", "other", [&](const Envelope&) {
    ++other;
    return Ok();
  });
  auto r = bus_.Publish(Make("orders", "X", "k", {}, clock_));
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("thrower"), std::string::npos);
  EXPECT_EQ(other, 1);
}

TEST_F(OutboxTest, FailedRowHoldsBackItsAggregateButNotOthers) {
  std::vector<std::string> got;
  bool fail_a = true;
  bus_.Subscribe("orders", "svc", [&](const Envelope& e) -> Result<void> {
    if (e.key == "a" && fail_a) return Error::Unavailable("a down");
    got.push_back(e.key + ":" + e.event_type);
    return Ok();
  });
  ASSERT_TRUE(AppendCommitted(Make("orders", "1", "a", {}, clock_)));
  ASSERT_TRUE(AppendCommitted(Make("orders", "2", "b", {}, clock_)));
  ASSERT_TRUE(AppendCommitted(Make("orders", "3", "a", {}, clock_)));
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 1);
  EXPECT_EQ(got, (std::vector<std::string>{"b:2"}));
  fail_a = false;
  clock_.Advance(1000);
  EXPECT_EQ(*relay.Drain(), 2);
  EXPECT_EQ(got, (std::vector<std::string>{"b:2", "a:1", "a:3"}));
}

TEST_F(OutboxTest, RowIsParkedAsDeadAfterMaxAttempts) {
  bus_.Subscribe("orders", "svc", [](const Envelope&) -> Result<void> { return Error::Internal("always"); });
  ASSERT_TRUE(AppendCommitted(Make("orders", "X", "k", {}, clock_)));
  auto options = Options("dead-service");
  options.max_attempts = 3;
  OutboxRelay relay(*db_, bus_, options);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(*relay.Drain(), 0);
    clock_.Advance(60'000);
  }
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'dead' AND attempts = 3"), 1);
  EXPECT_EQ(metrics::Value("shop_outbox_dead_total", {{"service", "dead-service"}}), 1);
}

TEST_F(OutboxTest, BackoffDoublesAndIsCapped) {
  bus_.Subscribe("orders", "svc", [](const Envelope&) -> Result<void> { return Error::Unavailable("down"); });
  ASSERT_TRUE(AppendCommitted(Make("orders", "X", "k", {}, clock_)));
  OutboxRelay relay(*db_, bus_, Options());
  std::vector<std::int64_t> delays;
  for (int i = 0; i < 12; ++i) {
    const auto now = clock_.NowMs();
    (void)relay.Drain();
    const auto next = Count(*db_, "SELECT next_attempt_at FROM outbox");
    delays.push_back(next - now);
    clock_.Set(next);
  }
  EXPECT_EQ(delays[0], 100);
  EXPECT_EQ(delays[1], 200);
  EXPECT_EQ(delays[2], 400);
  EXPECT_EQ(delays[11], 30'000);
}

TEST_F(OutboxTest, BeforePublishFailpointErrorDefersTheEvent) {
  int delivered = 0;
  bus_.Subscribe("orders", "svc", [&](const Envelope&) {
    ++delivered;
    return Ok();
  });
  ASSERT_TRUE(AppendCommitted(Make("orders", "X", "k", {}, clock_)));
  ASSERT_TRUE(failpoint::Configure("outbox.before_publish=1*error"));
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 0);
  EXPECT_EQ(delivered, 0);
  clock_.Advance(100);
  EXPECT_EQ(*relay.Drain(), 1);
  EXPECT_EQ(delivered, 1);
}

TEST_F(OutboxTest, AfterPublishFailpointRedeliversAndInboxDedupes) {
  bus_.Subscribe("orders", "svc", IdempotentConsumer(*db_, "svc"));
  int calls = 0;
  bus_.Subscribe("orders", "counter", [&](const Envelope&) {
    ++calls;
    return Ok();
  });
  ASSERT_TRUE(AppendCommitted(Make("orders", "X", "k", {}, clock_)));
  ASSERT_TRUE(failpoint::Configure("outbox.after_publish=1*error"));
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 0);
  clock_.Advance(100);
  EXPECT_EQ(*relay.Drain(), 1);
  EXPECT_EQ(calls, 2);  // at-least-once
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM effects"), 1);
}

TEST_F(OutboxTest, DuplicateEventIdIsConflict) {
  auto e = Make("orders", "X", "k", {}, clock_);
  ASSERT_TRUE(AppendCommitted(e));
  auto r = AppendCommitted(e);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
}

// The background thread, with the real clock and a file database (several connections).
TEST(OutboxRelayThreadTest, DeliversSoonAfterCommit) {
  char tmpl[] = "/tmp/shop-events-test-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  {
    auto db = std::move(*db::Open("sqlite://" + dir + "/t.db"));
    ASSERT_TRUE(db::Migrate(*db, "events", SchemaMigrations()));
    InProcBus bus;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::string> got;
    bus.Subscribe("orders", "svc", [&](const Envelope& e) {
      std::lock_guard lock(mu);
      got.push_back(e.event_id);
      cv.notify_all();
      return Ok();
    });
    RelayOptions options;
    options.service = "thread-test";
    options.poll_interval_ms = 60'000;  // only a commit wake-up can deliver within the deadline
    OutboxRelay relay(*db, bus, options);
    relay.Start();
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) {
      auto e = Make("orders", "X", "k", {});
      ids.push_back(e.event_id);
      ASSERT_TRUE(db->Write([&](db::Tx& tx) { return Append(tx, e); }));
    }
    {
      std::unique_lock lock(mu);
      EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return got.size() >= 5; }));
      EXPECT_EQ(got, ids);
    }
    relay.Stop();
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace shop::events
