// The full card number and the CVC never reach a log line, the database, an event or a response.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "infra/order_events_consumer.hpp"
#include "shop/observability/log.hpp"
#include "support/api_harness.hpp"

namespace shop::payment::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kCvc = "7319";
const std::vector<std::string> kCards = {"4242424242424242", "4000000000000002", "4000000000009995",
                                         "5555555555554444", "4242424242424241"};

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Fails if `text` (named `where`) carries a card number or the CVC as a value.
void ExpectNoCardData(std::string_view text, const std::string& where) {
  for (const auto& card : kCards) {
    EXPECT_EQ(text.find(card), std::string::npos) << where << " contains card number " << card;
    const std::string spaced = card.substr(0, 4) + " " + card.substr(4, 4) + " " + card.substr(8, 4) + " " + card.substr(12);
    EXPECT_EQ(text.find(spaced), std::string::npos) << where << " contains a spaced card number";
  }
  // The CVC is short, so it is searched for as a value (quoted, or after a colon), not as any digits.
  for (const std::string& needle : {"\"" + std::string(kCvc) + "\"", ":" + std::string(kCvc)}) {
    EXPECT_EQ(text.find(needle), std::string::npos) << where << " contains the CVC";
  }
  // As JSON keys (a 422 may name the field "payment_method.card_number", never carry its value).
  EXPECT_EQ(text.find("\"card_number\":"), std::string::npos) << where;
  EXPECT_EQ(text.find("\"cvc\":"), std::string::npos) << where;
}

TEST(CardDataLeakTest, CardNumberAndCvcReachNoLogDatabaseEventOrResponse) {
  log::Init("payment-service", "trace");
  ::testing::internal::CaptureStderr();
  std::vector<std::string> responses;
  auto keep = [&](const http::Response& r) {
    std::string all = std::to_string(r.status) + "\n";
    for (const auto& [k, v] : r.headers) all += k + ": " + v + "\n";
    responses.push_back(all + r.body);
    return r;
  };
  {
    ApiHarness h;
    const auto order = h.AddOrder(kAlice, 1234);
    keep(h.Pay(kAlice, order, "4242424242424241", "k0", kCvc));  // Luhn: 422
    keep(h.Pay(kAlice, order, "4242424242424242", "k1", "12"));  // CVC format: 422
    keep(h.Pay(kAlice, order, "4000000000000002", "k2", kCvc));  // declined
    keep(h.Pay(kAlice, order, "4000000000009995", "k3", kCvc));  // insufficient funds
    keep(h.Pay(kAlice, order, "4000000000009995", "k3", kCvc));  // replay
    keep(h.Pay(kAlice, order, "4242424242424242", "k3", kCvc));  // same key, other body: 409
    keep(h.Pay(kBob, order, "5555555555554444", "k4", kCvc));    // someone else's order: 404
    const auto ok = keep(h.Pay(kAlice, order, "4242 4242 4242 4242", "k5", kCvc));
    ASSERT_EQ(ok.status, 201) << ok.body;
    const std::string id(boost::json::parse(ok.body).at("id").as_string());
    keep(h.Call(http::Method::kGet, "/api/v1/payments/" + id, {}, h.Token(kAlice)));
    keep(h.Call(http::Method::kGet, "/api/v1/payments", {}, h.Token(kAdmin, true)));
    keep(h.Call(http::Method::kPost, "/api/v1/payments/" + id + "/refund", {}, h.Token(kAdmin, true)));
    h.SetOrdersDown(true);
    const auto other = h.AddOrder(kAlice, 10);
    keep(h.Pay(kAlice, other, "5555555555554444", "k6", kCvc));  // 503

    auto events = h.bus.Drain(h.database.db());
    ASSERT_GE(events.size(), 4u);  // failed, failed, succeeded, refunded
    for (const auto& e : events) ExpectNoCardData(e.ToJson(), "event " + e.event_type);

    log::Flush();
    const std::string logs = ::testing::internal::GetCapturedStderr();
    EXPECT_NE(logs.find("order-service call failed"), std::string::npos);  // the capture works
    ExpectNoCardData(logs, "logs");

    ASSERT_EQ(responses.size(), 12u);
    for (std::size_t i = 0; i < responses.size(); ++i) ExpectNoCardData(responses[i], "response " + std::to_string(i));

    int files = 0;
    for (const auto& entry : fs::directory_iterator(h.database.temp.dir.path())) {
      if (!entry.is_regular_file()) continue;
      ++files;
      const auto bytes = ReadAll(entry.path());
      ExpectNoCardData(bytes, entry.path().filename().string());
    }
    EXPECT_GE(files, 1);
    // The stored data is really there (the scan looks at the right files): last 4 and brand.
    std::string all_db;
    for (const auto& entry : fs::directory_iterator(h.database.temp.dir.path())) all_db += ReadAll(entry.path());
    EXPECT_NE(all_db.find("insufficient_funds"), std::string::npos);
  }
}

}  // namespace
}  // namespace shop::payment::testing
