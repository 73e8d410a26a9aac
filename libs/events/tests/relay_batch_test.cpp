// The outbox relay hands a claimed batch to the bus in waves (Bus::PublishBatch, one call per
// wave; a wave never holds two rows of one topic+key), so the Kafka bus can produce a whole batch
// and wait once; per-aggregate order and retry semantics stay as they were.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "events_test_util.hpp"
#include "shop/events/relay.hpp"
#include "shop/failpoint/failpoint.hpp"

namespace shop::events {
namespace {

using testing::Count;

// Records every PublishBatch call as "key:type" strings; fails the events whose key is in `failing`.
class BatchRecordingBus final : public Bus {
 public:
  void Subscribe(std::string, std::string, Handler) override {}
  Result<void> Publish(const Envelope& e) override {
    single_calls.push_back(Name(e));
    return Outcome(e);
  }
  std::vector<Result<void>> PublishBatch(const std::vector<Envelope>& events) override {
    std::vector<std::string> call;
    std::vector<Result<void>> results;
    for (const auto& e : events) {
      call.push_back(Name(e));
      results.push_back(Outcome(e));
    }
    batches.push_back(std::move(call));
    return results;
  }
  std::vector<std::string> Delivered() const { return delivered; }

  std::vector<std::vector<std::string>> batches;
  std::vector<std::string> single_calls;
  std::set<std::string> failing;

 private:
  static std::string Name(const Envelope& e) { return e.key + ":" + e.event_type; }
  Result<void> Outcome(const Envelope& e) {
    if (failing.contains(e.key)) return Error::Unavailable("broker rejected " + e.key + " (test)");
    delivered.push_back(Name(e));
    return Ok();
  }
  std::vector<std::string> delivered;
};

class RelayBatchTest : public ::testing::Test {
 protected:
  void TearDown() override { failpoint::Clear(); }
  void Append(const std::string& key, const std::string& type) {
    ASSERT_TRUE(db_->Write([&](db::Tx& tx) { return events::Append(tx, Make("orders", type, key, {}, clock_)); }));
  }
  RelayOptions Options() {
    RelayOptions o;
    o.service = "batch-test";
    o.clock = &clock_;
    return o;
  }
  ManualClock clock_;
  std::unique_ptr<db::Database> db_ = testing::MigratedMemoryDb();
  BatchRecordingBus bus_;
};

using Calls = std::vector<std::vector<std::string>>;

TEST_F(RelayBatchTest, RowsOfDistinctAggregatesGoToTheBusInOneCall) {
  for (const char* key : {"a", "b", "c", "d", "e"}) Append(key, "Created");
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 5);
  EXPECT_EQ(bus_.batches, (Calls{{"a:Created", "b:Created", "c:Created", "d:Created", "e:Created"}}));
  EXPECT_TRUE(bus_.single_calls.empty());
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 5);
}

TEST_F(RelayBatchTest, ASecondRowOfAnAggregateWaitsForTheNextWaveSoOrderHolds) {
  Append("a", "1");
  Append("b", "1");
  Append("a", "2");
  Append("c", "1");
  Append("a", "3");
  OutboxRelay relay(*db_, bus_, Options());
  EXPECT_EQ(*relay.Drain(), 5);
  EXPECT_EQ(bus_.batches, (Calls{{"a:1", "b:1"}, {"a:2", "c:1"}, {"a:3"}}));
  EXPECT_EQ(bus_.Delivered(), (std::vector<std::string>{"a:1", "b:1", "a:2", "c:1", "a:3"}));
}

TEST_F(RelayBatchTest, AFailedRowIsRetriedAloneAndHoldsBackOnlyItsAggregate) {
  Append("a", "1");
  Append("b", "1");
  Append("c", "1");
  Append("b", "2");
  Append("a", "2");
  bus_.failing = {"b"};
  OutboxRelay relay(*db_, bus_, Options());
  // The first wave's other rows went out and are marked sent; b:2 stays behind b:1's retry.
  EXPECT_EQ(*relay.Drain(), 3);
  EXPECT_EQ(bus_.Delivered(), (std::vector<std::string>{"a:1", "c:1", "a:2"}));
  EXPECT_EQ(Count(*db_, "SELECT attempts FROM outbox WHERE key = 'b' AND event_type = '1'"), 1);
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'"), 2);
  EXPECT_EQ(*relay.Drain(), 0) << "b:1 is not due before its backoff";

  bus_.failing.clear();
  clock_.Advance(100);
  EXPECT_EQ(*relay.Drain(), 2);
  EXPECT_EQ(bus_.Delivered(), (std::vector<std::string>{"a:1", "c:1", "a:2", "b:1", "b:2"}));
  EXPECT_EQ(Count(*db_, "SELECT COUNT(*) FROM outbox WHERE status = 'sent'"), 5);
}

TEST_F(RelayBatchTest, BeforePublishFailpointDefersOnlyThatRow) {
  for (const char* key : {"a", "b", "c"}) Append(key, "Created");
  ASSERT_TRUE(failpoint::Configure("outbox.before_publish=1*error"));
  OutboxRelay relay(*db_, bus_, Options());
  // a failed before it was handed to the bus (nothing went out in that wave); b and c, other
  // aggregates, follow in the same Drain; a after its backoff.
  EXPECT_EQ(*relay.Drain(), 2);
  EXPECT_EQ(bus_.batches, (Calls{{"b:Created", "c:Created"}}));
  clock_.Advance(100);
  EXPECT_EQ(*relay.Drain(), 1);
  EXPECT_EQ(bus_.Delivered(), (std::vector<std::string>{"b:Created", "c:Created", "a:Created"}));
}

TEST_F(RelayBatchTest, TheDefaultPublishBatchPublishesEachEventInOrder) {
  InProcBus bus;
  std::vector<std::string> got;
  bus.Subscribe("orders", "svc", [&](const Envelope& e) -> Result<void> {
    if (e.key == "x") return Error::Unavailable("x down");
    got.push_back(e.key);
    return Ok();
  });
  auto results = bus.PublishBatch({Make("orders", "T", "a", {}, clock_), Make("orders", "T", "x", {}, clock_),
                                   Make("orders", "T", "b", {}, clock_)});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_TRUE(results[0]);
  EXPECT_FALSE(results[1]);
  EXPECT_TRUE(results[2]);
  EXPECT_EQ(got, (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace shop::events
