// The outbox relay on a real PostgreSQL server (a private cluster from Debian's `postgresql`
// package, shop::db::testing::PgServer): several relays on one database (replicas of a service)
// publish each event once, keep per-aggregate order, and never skip a row that commits late.
// Compiles to nothing when the PostgreSQL driver is not built; skips when no server binaries exist.
#if __has_include("shop/db/pg_testing.hpp")

#include <gtest/gtest.h>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include "shop/db/pg.hpp"
#include "shop/db/pg_testing.hpp"
#include "shop/events/relay.hpp"

namespace shop::events {
namespace {

Result<db::testing::PgServer*>& SharedServer() {
  static std::unique_ptr<db::testing::PgServer> server;
  static Result<db::testing::PgServer*> state = []() -> Result<db::testing::PgServer*> {
    auto s = db::testing::PgServer::Start();
    if (!s) return s.error();
    server = std::move(*s);
    return server.get();
  }();
  return state;
}

// Records every publish (thread-safe: several relays publish at once).
class RecordingBus final : public Bus {
 public:
  void Subscribe(std::string, std::string, Handler) override {}
  Result<void> Publish(const Envelope& e) override {
    std::lock_guard lock(mu_);
    if (fail_next_ > 0) {
      --fail_next_;
      return Error::Unavailable("broker down (test)");
    }
    log_.push_back(e);
    return Ok();
  }
  // Counts the calls (the relay's waves), then publishes each event as Publish() does.
  std::vector<Result<void>> PublishBatch(const std::vector<Envelope>& events) override {
    {
      std::lock_guard lock(mu_);
      batch_sizes_.push_back(events.size());
    }
    return Bus::PublishBatch(events);
  }
  std::vector<Envelope> Log() {
    std::lock_guard lock(mu_);
    return log_;
  }
  std::vector<std::size_t> BatchSizes() {
    std::lock_guard lock(mu_);
    return batch_sizes_;
  }
  void FailNext(int n) {
    std::lock_guard lock(mu_);
    fail_next_ = n;
  }

 private:
  std::mutex mu_;
  std::vector<Envelope> log_;
  std::vector<std::size_t> batch_sizes_;
  int fail_next_ = 0;
};

// Holds a write transaction open on its own thread until Release(), running `inside` first.
class OpenTx {
 public:
  OpenTx(db::Database& db, std::function<Result<void>(db::Tx&)> inside) {
    thread_ = std::thread([this, &db, inside = std::move(inside)] {
      result_ = db.Write([&](db::Tx& tx) -> Result<void> {
        auto r = inside(tx);
        std::unique_lock lock(mu_);
        entered_ = true;
        cv_.notify_all();
        cv_.wait(lock, [&] { return released_; });
        return r;
      });
    });
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return entered_; });
  }
  Result<void> Release() {
    {
      std::lock_guard lock(mu_);
      released_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  ~OpenTx() { (void)Release(); }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool entered_ = false, released_ = false;
  Result<void> result_;
  std::thread thread_;
};

class RelayPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = SharedServer();
    if (!server) GTEST_SKIP() << "PostgreSQL test server unavailable: " << server.error().detail;
    static std::atomic<int> counter{0};
    auto url = (*server)->CreateDatabase("relay" + std::to_string(::getpid()) + "_" + std::to_string(++counter));
    ASSERT_TRUE(url) << url.error().detail;
    url_ = *url;
    db_ = Open();
    ASSERT_TRUE(db_);
    ASSERT_TRUE(db::MigrateWithLock(*db_, "events", SchemaMigrations()));
  }

  // Another replica's connection pool on the same database.
  std::unique_ptr<db::Database> Open() {
    auto db = db::OpenPostgres(url_);
    EXPECT_TRUE(db) << (db ? "" : db.error().detail);
    return db ? std::move(*db) : nullptr;
  }

  Result<void> AppendCommitted(db::Database& db, const Envelope& e) {
    return db.Write([&](db::Tx& tx) { return Append(tx, e); });
  }

  Envelope Event(std::string key, std::int64_t n) {
    return Make("orders", "OrderCreated", std::move(key), {{"n", n}}, clock_);
  }

  std::int64_t Count(std::string_view sql) {
    auto r = db_->Read([&](db::Tx& tx) -> Result<std::int64_t> {
      auto row = tx.QueryOne(sql);
      if (!row) return row.error();
      return (*row)->Int(0);
    });
    EXPECT_TRUE(r);
    return r ? *r : -1;
  }

  RelayOptions Options(std::string name) {
    RelayOptions o;
    o.service = std::move(name);
    o.clock = &clock_;
    o.poll_interval_ms = 5;
    o.batch_size = 7;
    return o;
  }

  static std::vector<std::string> Keys(const std::vector<Envelope>& log) {
    std::vector<std::string> out;
    for (const auto& e : log) out.push_back(e.key + "#" + std::to_string(e.data.at("n").as_int64()));
    return out;
  }

  ManualClock clock_;
  std::string url_;
  std::unique_ptr<db::Database> db_;
};

template <class Pred>
bool WaitFor(Pred pred, std::chrono::seconds deadline = std::chrono::seconds(20)) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

TEST_F(RelayPgTest, TwoRelaysOnOneDatabasePublishEveryEventExactlyOnceInAggregateOrder) {
  auto replica_a = Open();
  auto replica_b = Open();
  auto writers_db = Open();
  ASSERT_TRUE(replica_a && replica_b && writers_db);
  RecordingBus bus;
  OutboxRelay relay_a(*replica_a, bus, Options("replica-a"));
  OutboxRelay relay_b(*replica_b, bus, Options("replica-b"));
  relay_a.Start();
  relay_b.Start();
  constexpr int kWriters = 4, kPerWriter = 60, kKeysPerWriter = 3;
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      std::map<std::string, std::int64_t> next;
      for (int i = 0; i < kPerWriter; ++i) {
        const auto key = "order-" + std::to_string(w) + "-" + std::to_string(i % kKeysPerWriter);
        ASSERT_TRUE(AppendCommitted(*writers_db, Event(key, next[key]++)));
      }
    });
  }
  // Both replicas also drain on this thread, racing their own background threads.
  std::thread drainer([&] {
    for (int i = 0; i < 40; ++i) {
      (void)relay_a.Drain();
      (void)relay_b.Drain();
    }
  });
  for (auto& t : writers) t.join();
  drainer.join();
  constexpr std::size_t kTotal = kWriters * kPerWriter;
  EXPECT_TRUE(WaitFor([&] { return bus.Log().size() >= kTotal; }));
  relay_a.Stop();
  relay_b.Stop();

  const auto log = bus.Log();
  EXPECT_EQ(log.size(), kTotal);
  std::map<std::string, int> times;
  std::map<std::string, std::int64_t> last;  // per key: the n published last
  for (const auto& e : log) {
    ++times[e.event_id];
    const auto n = e.data.at("n").as_int64();
    auto it = last.find(e.key);
    EXPECT_EQ(n, it == last.end() ? 0 : it->second + 1) << "aggregate " << e.key << " out of order";
    last[e.key] = n;
  }
  EXPECT_EQ(times.size(), kTotal);
  for (const auto& [id, n] : times) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE status <> 'sent'"), 0);
}

TEST_F(RelayPgTest, RowHeldByAnotherRelayHoldsBackItsAggregateOnly) {
  for (const auto& e : {Event("A", 0), Event("A", 1), Event("B", 0)}) ASSERT_TRUE(AppendCommitted(*db_, e));
  auto other = Open();
  ASSERT_TRUE(other);
  // Another replica's batch in flight: it holds A#0 (as its claim would).
  OpenTx held(*other, [](db::Tx& tx) -> Result<void> {
    auto r = tx.Query("SELECT seq FROM outbox WHERE key = 'A' ORDER BY seq LIMIT 1 FOR UPDATE");
    if (!r) return r.error();
    return Ok();
  });
  RecordingBus bus;
  OutboxRelay relay(*db_, bus, Options("replica"));
  auto n = relay.Drain();
  ASSERT_TRUE(n) << n.error().detail;
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"B#0"}));  // A#1 must not overtake A#0
  ASSERT_TRUE(held.Release());
  n = relay.Drain();
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"B#0", "A#0", "A#1"}));
}

TEST_F(RelayPgTest, RowThatCommitsAfterALaterSeqIsStillPublished) {
  auto other = Open();
  ASSERT_TRUE(other);
  // E1 takes the lower seq but commits last: a "seq > last seen" relay would skip it for ever.
  OpenTx slow(*other, [&](db::Tx& tx) { return Append(tx, Event("slow", 0)); });
  ASSERT_TRUE(AppendCommitted(*db_, Event("fast", 0)));
  RecordingBus bus;
  OutboxRelay relay(*db_, bus, Options("replica"));
  ASSERT_TRUE(relay.Drain());
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"fast#0"}));
  ASSERT_TRUE(slow.Release());
  ASSERT_TRUE(relay.Drain());
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"fast#0", "slow#0"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 2);
}

TEST_F(RelayPgTest, FailedPublishIsRetriedAfterBackoffAndHoldsBackItsAggregate) {
  for (const auto& e : {Event("A", 0), Event("A", 1), Event("B", 0)}) ASSERT_TRUE(AppendCommitted(*db_, e));
  RecordingBus bus;
  bus.FailNext(1);
  OutboxRelay relay(*db_, bus, Options("replica"));
  ASSERT_TRUE(relay.Drain());
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"B#0"}));
  EXPECT_EQ(Count("SELECT attempts FROM outbox WHERE key = 'A' ORDER BY seq LIMIT 1"), 1);
  clock_.Advance(150);
  ASSERT_TRUE(relay.Drain());
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"B#0", "A#0", "A#1"}));
}


// An idle relay waits for its poll interval: its own (empty) claim commits must not wake it, or it
// would poll the database in a tight loop (seen as ~3,700 transactions a second per idle service).
TEST_F(RelayPgTest, IdleRelayPollsAtItsIntervalNotInATightLoop) {
  RecordingBus bus;
  RelayOptions o = Options("idle");
  o.poll_interval_ms = 100;
  OutboxRelay relay(*db_, bus, o);
  relay.Start();
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // settle
  const auto before = Count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  const auto after = Count("SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()");
  relay.Stop();
  // ~10 passes of a few transactions each; a tight loop makes thousands. (Statistics are flushed
  // by the server at most once a second, so this bound is loose on purpose.)
  EXPECT_LT(after - before, 300);
}

// A claimed batch of distinct aggregates goes to the bus in one call and is marked sent at once;
// a second event of an aggregate waits for the next wave.
TEST_F(RelayPgTest, ABatchIsHandedToTheBusInWavesAndMarkedSent) {
  RecordingBus bus;
  for (const char* key : {"a", "b", "c"}) ASSERT_TRUE(AppendCommitted(*db_, Event(key, 1)));
  ASSERT_TRUE(AppendCommitted(*db_, Event("a", 2)));
  OutboxRelay relay(*db_, bus, Options("waves"));  // batch_size 7: all four in one claim
  auto n = relay.Drain();
  ASSERT_TRUE(n) << n.error().detail;
  EXPECT_EQ(*n, 4);
  EXPECT_EQ(bus.BatchSizes(), (std::vector<std::size_t>{3, 1}));
  EXPECT_EQ(Keys(bus.Log()), (std::vector<std::string>{"a#1", "b#1", "c#1", "a#2"}));
  EXPECT_EQ(Count("SELECT COUNT(*) FROM outbox WHERE status = 'sent' AND published_at IS NOT NULL"), 4);
}

// The claim's "is an earlier row of this aggregate waiting for a retry?" goes through the partial
// index of migration 2; without it PostgreSQL scanned the whole outbox (sent rows are kept for 7
// days) on every claim.
TEST_F(RelayPgTest, RetryWaitingRowsAreFoundThroughThePartialIndex) {
  ASSERT_TRUE(db_->Write([](db::Tx& tx) -> Result<void> {
    auto r = tx.Exec(
        "INSERT INTO outbox (event_id, topic, key, event_type, payload, created_at, status, published_at) "
        "SELECT 'e' || g, 'orders', 'k' || (g % 500), 'X', '{}', 0, 'sent', 0 FROM generate_series(1, 20000) g");
    if (!r) return r.error();
    return Ok();
  }));
  ASSERT_TRUE(db_->Write([](db::Tx& tx) -> Result<void> {
    if (auto r = tx.Exec("ANALYZE outbox"); !r) return r.error();
    return Ok();
  }));
  auto plan = db_->Read([](db::Tx& tx) -> Result<std::string> {
    auto rows = tx.Query("EXPLAIN SELECT 1 FROM outbox p WHERE p.status = 'pending' AND p.next_attempt_at > $1",
                         {std::int64_t{1'000}});
    if (!rows) return rows.error();
    std::string text;
    for (const auto& r : *rows) text += r.Text(0) + "\n";
    return text;
  });
  ASSERT_TRUE(plan) << plan.error().detail;
  EXPECT_NE(plan->find("outbox_pending_retry"), std::string::npos) << *plan;
}

}  // namespace
}  // namespace shop::events

#endif  // __has_include("shop/db/pg_testing.hpp")
