#include <gtest/gtest.h>

#include <thread>

#include "api/api_test_util.hpp"

namespace shop::order::testing {
namespace {

using http::Method;

class OrderRoutesTest : public ::testing::Test {
 protected:
  http::Response Place(const app::Actor& who, std::string body, std::string key = {}) {
    Call c{Method::kPost, "/api/v1/orders", std::move(body), h.Token(who)};
    if (!key.empty()) c.headers.push_back({"Idempotency-Key", key});
    return h.Send(std::move(c));
  }
  std::string PlacedId(const app::Actor& who) {
    auto r = Place(who, OrderBody(kWidget.id, 1));
    EXPECT_EQ(r.status, 201) << r.body;
    return std::string(JsonOf(r).at("id").as_string());
  }
  http::Response Action(const app::Actor& who, const std::string& id, std::string_view action, std::string body = {}) {
    return h.Send({Method::kPost, "/api/v1/orders/" + id + "/" + std::string(action), std::move(body), h.Token(who)});
  }
  ApiHarness h;
};

TEST_F(OrderRoutesTest, PlaceAnswers201PendingWithCatalogPricesIgnoringClientPrices) {
  const std::string body =
      R"({"items":[{"product_id":"p-widget","quantity":2,"unit_price_cents":1}],)"
      R"("shipping_address":{"name":"Ada","line1":"1 Way","city":"London","postal_code":"N1","country":"GB"}})";
  auto r = Place(kAlice, body);
  ASSERT_EQ(r.status, 201) << r.body;
  auto o = JsonOf(r);
  EXPECT_EQ(o.at("status").as_string(), "PENDING");
  EXPECT_EQ(o.at("user_id").as_string(), kAlice.user_id);
  EXPECT_EQ(o.at("total_cents").as_int64(), 3998);
  EXPECT_EQ(o.at("currency").as_string(), "USD");
  const auto& item = o.at("items").as_array().at(0).as_object();
  EXPECT_EQ(item.at("unit_price_cents").as_int64(), 1999);
  EXPECT_EQ(item.at("sku").as_string(), "W-1");
  EXPECT_EQ(item.at("name").as_string(), "Widget");
  EXPECT_EQ(o.at("shipping_address").at("country").as_string(), "GB");
  EXPECT_TRUE(o.contains("created_at"));
  EXPECT_TRUE(o.contains("updated_at"));
  EXPECT_EQ(r.headers.Get("Location").value_or(""), "/api/v1/orders/" + std::string(o.at("id").as_string()));
}

TEST_F(OrderRoutesTest, PlaceWithoutATokenIs401) {
  auto r = h.Send({Method::kPost, "/api/v1/orders", OrderBody(kWidget.id, 1)});
  EXPECT_EQ(r.status, 401);
  auto forged = h.Send({Method::kPost, "/api/v1/orders", OrderBody(kWidget.id, 1), "not.a.token"});
  EXPECT_EQ(forged.status, 401);
}

TEST_F(OrderRoutesTest, PlaceValidationErrorsAre422WithFields) {
  auto zero = Place(kAlice, OrderBody(kWidget.id, 0));
  EXPECT_EQ(zero.status, 422);
  EXPECT_NE(ProblemFields(zero).find("items[0].quantity"), std::string::npos) << zero.body;
  auto unknown = Place(kAlice, OrderBody("p-missing", 1));
  EXPECT_EQ(unknown.status, 422);
  EXPECT_NE(ProblemFields(unknown).find("items[0].product_id"), std::string::npos) << unknown.body;
  auto country = Place(kAlice,
                       R"({"items":[{"product_id":"p-widget","quantity":1}],"shipping_address":{"name":"A",)"
                       R"("line1":"L","city":"C","postal_code":"1","country":"gb"}})");
  EXPECT_EQ(country.status, 422);
  EXPECT_NE(ProblemFields(country).find("shipping_address.country"), std::string::npos) << country.body;
  auto no_address = Place(kAlice, R"({"items":[{"product_id":"p-widget","quantity":1}]})");
  EXPECT_EQ(no_address.status, 422);
  auto mixed = Place(kAlice,
                     R"({"items":[{"product_id":"p-widget","quantity":1},{"product_id":"p-euro","quantity":1}],)"
                     R"("shipping_address":{"name":"A","line1":"L","city":"C","postal_code":"1","country":"GB"}})");
  EXPECT_EQ(mixed.status, 422);
  auto empty_cart = Place(kAlice, R"({"from_cart":true,"shipping_address":{"name":"A","line1":"L","city":"C",)"
                                  R"("postal_code":"1","country":"GB"}})");
  EXPECT_EQ(empty_cart.status, 422);
}

TEST_F(OrderRoutesTest, PlaceWithWrongJsonTypesIs400AndNonJsonIs4xx) {
  EXPECT_EQ(Place(kAlice, R"({"items":"many"})").status, 400);
  EXPECT_EQ(Place(kAlice, R"({"items":[{"product_id":"p-widget","quantity":"2"}]})").status, 400);
  EXPECT_EQ(Place(kAlice, "{not json").status, 400);
}

TEST_F(OrderRoutesTest, PlaceWithCatalogDownIs503) {
  h.catalog.SetDown(true);
  auto r = Place(kAlice, OrderBody(kWidget.id, 1));
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(r.headers.Get("Retry-After"));
}

TEST_F(OrderRoutesTest, IdempotentRetryReturnsIdenticalBytesAndOtherBodyIs409) {
  auto first = Place(kAlice, OrderBody(kWidget.id, 1), "k-1");
  ASSERT_EQ(first.status, 201) << first.body;
  auto again = Place(kAlice, OrderBody(kWidget.id, 1), "k-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.Get("Idempotent-Replayed").value_or(""), "true");
  auto other = Place(kAlice, OrderBody(kWidget.id, 2), "k-1");
  EXPECT_EQ(other.status, 409);
  auto list = h.Send({Method::kGet, "/api/v1/orders", {}, h.Token(kAlice)});
  EXPECT_EQ(JsonOf(list).at("items").as_array().size(), 1u);
}

TEST_F(OrderRoutesTest, AnEmptyIdempotencyKeyIs400) {
  EXPECT_EQ(Place(kAlice, OrderBody(kWidget.id, 1), " ").status, 400);
}

TEST_F(OrderRoutesTest, GetOwnOrderAnotherUsersIs404AdminSeesIt) {
  const auto id = PlacedId(kAlice);
  auto own = h.Send({Method::kGet, "/api/v1/orders/" + id, {}, h.Token(kAlice)});
  EXPECT_EQ(own.status, 200);
  EXPECT_EQ(JsonOf(own).at("id").as_string(), id);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders/" + id, {}, h.Token(kBob)}).status, 404);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders/" + id, {}, h.Token(kAdmin)}).status, 200);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders/nope", {}, h.Token(kAlice)}).status, 404);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders/" + id}).status, 401);
}

TEST_F(OrderRoutesTest, RejectedOrdersShowTheFailureReason) {
  const auto id = PlacedId(kAlice);
  ASSERT_TRUE(h.saga.OnReservationFailed("ev", id, "insufficient stock"));
  auto r = h.Send({Method::kGet, "/api/v1/orders/" + id, {}, h.Token(kAlice)});
  auto o = JsonOf(r);
  EXPECT_EQ(o.at("status").as_string(), "REJECTED");
  EXPECT_EQ(o.at("failure_reason").as_string(), "out_of_stock");
}

TEST_F(OrderRoutesTest, ListPaginatesWithASealedCursorAndFiltersByStatus) {
  for (int i = 0; i < 3; ++i) PlacedId(kAlice);
  PlacedId(kBob);
  auto page1 = h.Send({Method::kGet, "/api/v1/orders?limit=2", {}, h.Token(kAlice)});
  ASSERT_EQ(page1.status, 200) << page1.body;
  auto p1 = JsonOf(page1);
  ASSERT_EQ(p1.at("items").as_array().size(), 2u);
  ASSERT_TRUE(p1.at("next_cursor").is_string());
  const std::string cursor(p1.at("next_cursor").as_string());
  auto page2 = h.Send({Method::kGet, "/api/v1/orders?limit=2&cursor=" + cursor, {}, h.Token(kAlice)});
  auto p2 = JsonOf(page2);
  EXPECT_EQ(p2.at("items").as_array().size(), 1u);
  EXPECT_TRUE(p2.at("next_cursor").is_null());

  auto admin = h.Send({Method::kGet, "/api/v1/orders", {}, h.Token(kAdmin)});
  EXPECT_EQ(JsonOf(admin).at("items").as_array().size(), 4u);
  auto paid = h.Send({Method::kGet, "/api/v1/orders?status=PAID", {}, h.Token(kAdmin)});
  EXPECT_EQ(JsonOf(paid).at("items").as_array().size(), 0u);
  auto pending = h.Send({Method::kGet, "/api/v1/orders?status=pending", {}, h.Token(kAlice)});
  EXPECT_EQ(JsonOf(pending).at("items").as_array().size(), 3u);
}

TEST_F(OrderRoutesTest, ListRejectsBadLimitsStatusesAndCursors) {
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders?limit=-1", {}, h.Token(kAlice)}).status, 400);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders?limit=abc", {}, h.Token(kAlice)}).status, 400);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders?limit=1000", {}, h.Token(kAlice)}).status, 200);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders?status=LOST", {}, h.Token(kAlice)}).status, 422);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders?cursor=forged", {}, h.Token(kAlice)}).status, 400);
  EXPECT_EQ(h.Send({Method::kGet, "/api/v1/orders"}).status, 401);
}

TEST_F(OrderRoutesTest, CancelByOwnerWithNoBodyOrEmptyObject) {
  const auto a = PlacedId(kAlice);
  const auto b = PlacedId(kAlice);
  auto r1 = Action(kAlice, a, "cancel");
  EXPECT_EQ(r1.status, 200) << r1.body;
  EXPECT_EQ(JsonOf(r1).at("status").as_string(), "CANCELLED");
  auto r2 = h.Send({Method::kPost, "/api/v1/orders/" + b + "/cancel", "{}", h.Token(kAlice)});
  EXPECT_EQ(r2.status, 200) << r2.body;
}

TEST_F(OrderRoutesTest, CancelIs404ForStrangers409WhenNotCancellable) {
  const auto id = PlacedId(kAlice);
  EXPECT_EQ(Action(kBob, id, "cancel").status, 404);
  EXPECT_EQ(Action(kAlice, id, "cancel").status, 200);
  auto again = Action(kAlice, id, "cancel");
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("CANCELLED"), std::string::npos) << again.body;
  EXPECT_EQ(Action(kAlice, "missing", "cancel").status, 404);
}

TEST_F(OrderRoutesTest, AdminCancelsAnyOrder) {
  const auto id = PlacedId(kAlice);
  EXPECT_EQ(Action(kAdmin, id, "cancel").status, 200);
}

TEST_F(OrderRoutesTest, ShipAndDeliverAreAdminOnlyAndFollowTheStatusMachine) {
  const auto id = PlacedId(kAlice);
  EXPECT_EQ(Action(kAlice, id, "ship").status, 403);
  auto early = Action(kAdmin, id, "ship");
  EXPECT_EQ(early.status, 409);
  EXPECT_NE(early.body.find("PENDING"), std::string::npos) << early.body;
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-r", id, std::nullopt));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-p", id, "pay-1", 1999, "USD"));
  EXPECT_EQ(Action(kAdmin, id, "deliver").status, 409);
  auto shipped = Action(kAdmin, id, "ship");
  EXPECT_EQ(shipped.status, 200);
  EXPECT_EQ(JsonOf(shipped).at("status").as_string(), "SHIPPED");
  EXPECT_EQ(Action(kAlice, id, "cancel").status, 409);
  EXPECT_EQ(Action(kAlice, id, "deliver").status, 403);
  auto delivered = Action(kAdmin, id, "deliver");
  EXPECT_EQ(delivered.status, 200);
  EXPECT_EQ(JsonOf(delivered).at("status").as_string(), "DELIVERED");
  EXPECT_EQ(Action(kAdmin, "missing", "ship").status, 404);
  EXPECT_EQ(h.Send({Method::kPost, "/api/v1/orders/" + id + "/ship"}).status, 401);
}

TEST_F(OrderRoutesTest, PaidOrderShowsItsPayment) {
  const auto id = PlacedId(kAlice);
  ASSERT_TRUE(h.saga.OnInventoryReserved("ev-r", id, std::nullopt));
  ASSERT_TRUE(h.saga.OnPaymentSucceeded("ev-p", id, "pay-1", 1999, "USD"));
  auto o = JsonOf(h.Send({Method::kGet, "/api/v1/orders/" + id, {}, h.Token(kAlice)}));
  EXPECT_EQ(o.at("status").as_string(), "PAID");
  EXPECT_EQ(o.at("payment_id").as_string(), "pay-1");
}

TEST_F(OrderRoutesTest, TwentyConcurrentRetriesOfOneKeyCreateOneOrderWithOneBody) {
  std::vector<http::Response> responses(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] { responses[i] = Place(kAlice, OrderBody(kWidget.id, 1), "race-key"); });
  }
  for (auto& t : threads) t.join();
  int replayed = 0;
  for (const auto& r : responses) {
    EXPECT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.body, responses[0].body);
    if (r.headers.Get("Idempotent-Replayed")) ++replayed;
  }
  EXPECT_EQ(replayed, 19);
  auto list = h.Send({Method::kGet, "/api/v1/orders", {}, h.Token(kAlice)});
  EXPECT_EQ(JsonOf(list).at("items").as_array().size(), 1u);
  EXPECT_EQ(h.Outbox("OrderCreated").size(), 1u);
}

TEST_F(OrderRoutesTest, UnknownMethodsOnOrderRoutesAre405) {
  auto r = h.Send({Method::kDelete, "/api/v1/orders", {}, h.Token(kAlice)});
  EXPECT_EQ(r.status, 405);
}

TEST_F(OrderRoutesTest, ABodyThatIsNotJsonIs415) {
  Call c{Method::kPost, "/api/v1/orders", OrderBody(kWidget.id, 1), h.Token(kAlice)};
  c.headers.push_back({"Content-Type", "text/plain"});
  EXPECT_EQ(h.Send(std::move(c)).status, 415);
}

TEST_F(OrderRoutesTest, ListShowsEachOrderWithItsOwnItems) {
  PlacedId(kAlice);
  auto r = Place(kAlice, R"({"items":[{"product_id":"p-gadget","quantity":2},{"product_id":"p-widget","quantity":1}],)"
                         R"("shipping_address":{"name":"A","line1":"L","city":"C","postal_code":"1","country":"GB"}})");
  ASSERT_EQ(r.status, 201) << r.body;
  auto list = JsonOf(h.Send({Method::kGet, "/api/v1/orders", {}, h.Token(kAlice)}));
  const auto& items = list.at("items").as_array();
  ASSERT_EQ(items.size(), 2u);
  const auto& newest = items[0].as_object().at("items").as_array();
  ASSERT_EQ(newest.size(), 2u);
  EXPECT_EQ(newest[0].at("product_id").as_string(), "p-gadget");
  EXPECT_EQ(newest[1].at("product_id").as_string(), "p-widget");
  EXPECT_EQ(items[1].as_object().at("items").as_array().size(), 1u);
}

}  // namespace
}  // namespace shop::order::testing
