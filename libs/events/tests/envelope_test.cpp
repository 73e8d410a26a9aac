#include <gtest/gtest.h>

#include "shop/core/ids.hpp"
#include "shop/events/event.hpp"

namespace shop::events {
namespace {

TEST(EnvelopeTest, JsonRoundTripKeepsEveryField) {
  ManualClock clock(1'790'000'000'123);
  auto e = Make("orders", "OrderCreated", "o-1", {{"total_cents", 1299}, {"currency", "EUR"}}, clock);
  EXPECT_TRUE(IsUuid(e.event_id));
  EXPECT_EQ(e.timestamp, 1'790'000'000'123);
  const auto text = e.ToJson();
  EXPECT_NE(text.find("\"timestamp\":\"2026-"), std::string::npos) << text;
  auto back = Envelope::FromJson(text, "orders", "o-1");
  ASSERT_TRUE(back) << back.error().detail;
  EXPECT_EQ(back->event_id, e.event_id);
  EXPECT_EQ(back->event_type, "OrderCreated");
  EXPECT_EQ(back->timestamp, e.timestamp);
  EXPECT_EQ(back->version, 1);
  EXPECT_EQ(back->topic, "orders");
  EXPECT_EQ(back->key, "o-1");
  EXPECT_EQ(back->data, e.data);
}

TEST(EnvelopeTest, FromJsonRejectsMissingOrMistypedFields) {
  const std::string ok =
      R"({"event_id":"e1","event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":1,"data":{}})";
  ASSERT_TRUE(Envelope::FromJson(ok));
  const char* bad[] = {
      "not json",
      "[1]",
      R"({"event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":1,"data":{}})",
      R"({"event_id":"e1","event_type":"","timestamp":"2026-11-24T11:07:11.123Z","version":1,"data":{}})",
      R"({"event_id":"e1","event_type":"T","timestamp":"yesterday","version":1,"data":{}})",
      R"({"event_id":"e1","event_type":"T","timestamp":1790000000000,"version":1,"data":{}})",
      R"({"event_id":"e1","event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":"1","data":{}})",
      R"({"event_id":"e1","event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":1.5,"data":{}})",
      R"({"event_id":"e1","event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":1,"data":[]})",
      R"({"event_id":"e1","event_type":"T","timestamp":"2026-11-24T11:07:11.123Z","version":1})",
  };
  for (const char* text : bad) {
    auto r = Envelope::FromJson(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, Errc::kBadRequest) << text;
  }
}

}  // namespace
}  // namespace shop::events
