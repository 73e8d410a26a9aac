// The whole path of the distributed shape: outbox row -> OutboxRelay -> KafkaBus -> another
// service's consumer, whose inbox (events::Remember) makes a redelivered event a no-op.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>

#include "kafka_test_support.hpp"
#include "shop/db/migrations.hpp"
#include "shop/events/relay.hpp"

namespace shop::events {
namespace {

using testing::CreateTopics;
using testing::TestOptions;
using testing::WaitFor;

class TempDb {
 public:
  TempDb() {
    char tmpl[] = "/tmp/shop-kafka-test-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    auto db = db::Open("sqlite://" + dir_ + "/t.db");
    EXPECT_TRUE(db);
    db_ = std::move(*db);
    EXPECT_TRUE(db::Migrate(*db_, "events", SchemaMigrations()));
    EXPECT_TRUE(db_->ExecScript("CREATE TABLE applied (event_id TEXT PRIMARY KEY)"));
  }
  ~TempDb() {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  db::Database& operator*() { return *db_; }
  std::int64_t Applied() {
    auto n = db_->Read([](db::Tx& tx) -> Result<std::int64_t> {
      auto row = tx.QueryOne("SELECT COUNT(*) FROM applied");
      if (!row) return row.error();
      return (*row)->Int(0);
    });
    return n ? *n : -1;
  }

 private:
  std::string dir_;
  std::unique_ptr<db::Database> db_;
};

TEST(KafkaOutboxTest, OutboxEventsReachAnotherServiceOnceAndItsInboxDropsARedelivery) {
  const std::string topic = "t7-orders";
  CreateTopics(topic);
  TempDb orders_db, stock_db;

  KafkaBus stock_bus(TestOptions("t7-stock-service"));
  std::atomic<int> calls{0};
  stock_bus.Subscribe(topic, "t7-stock", [&](const Envelope& e) -> Result<void> {
    ++calls;
    return (*stock_db).Write([&](db::Tx& tx) -> Result<void> {
      auto first = Remember(tx, "t7-stock", e.event_id);
      if (!first) return first.error();
      if (!*first) return Ok();  // a duplicate: already applied
      auto r = tx.Exec("INSERT INTO applied (event_id) VALUES ($1)", {e.event_id});
      if (!r) return r.error();
      return Ok();
    });
  });
  stock_bus.Start();

  KafkaBus orders_bus(TestOptions("t7-order-service"));
  OutboxRelay relay(*orders_db, orders_bus, {.service = "t7-order-service", .poll_interval_ms = 20});
  std::vector<Envelope> sent;
  for (int i = 0; i < 3; ++i) sent.push_back(Make(topic, "OrderCreated", "order-" + std::to_string(i), {}));
  ASSERT_TRUE((*orders_db).Write([&](db::Tx& tx) -> Result<void> {
    for (const auto& e : sent) {
      if (auto r = Append(tx, e); !r) return r;
    }
    return Ok();
  }));
  relay.Start();

  ASSERT_TRUE(WaitFor([&] { return stock_db.Applied() == 3; }));
  // The relay crashed after publishing but before marking the row sent: it publishes it again.
  ASSERT_TRUE(orders_bus.Publish(sent[0]));
  ASSERT_TRUE(WaitFor([&] { return calls >= 4; }));
  EXPECT_EQ(stock_db.Applied(), 3);
  relay.Stop();
  auto rest = relay.Drain();
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, 0) << "every outbox row was marked sent";
}

}  // namespace
}  // namespace shop::events
