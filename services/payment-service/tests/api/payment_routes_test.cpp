#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "shop/core/ids.hpp"

#include "support/api_harness.hpp"

namespace shop::payment::testing {
namespace {

using http::Method;

boost::json::object Body(const http::Response& r) { return boost::json::parse(r.body).as_object(); }

std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool HasFieldError(const http::Response& r, std::string_view field) {
  auto b = Body(r);
  if (!b.contains("errors")) return false;
  for (const auto& e : b.at("errors").as_array()) {
    if (e.as_object().at("field").as_string() == field) return true;
  }
  return false;
}

class PaymentRoutesTest : public ::testing::Test {
 protected:
  ApiHarness h;
};

TEST_F(PaymentRoutesTest, PayAnswers201WithThePaymentAndOnlyTheLastFourDigits) {
  const auto order = h.AddOrder(kAlice, 4999);
  auto res = h.Pay(kAlice, order, "4242 4242 4242 4242");
  ASSERT_EQ(res.status, 201) << res.body;
  auto b = Body(res);
  EXPECT_EQ(Str(b, "order_id"), order);
  EXPECT_EQ(Str(b, "status"), "SUCCEEDED");
  EXPECT_EQ(b.at("amount_cents").as_int64(), 4999);
  EXPECT_EQ(Str(b, "currency"), "USD");
  EXPECT_EQ(Str(b, "card_brand"), "visa");
  EXPECT_EQ(Str(b, "card_last4"), "4242");
  EXPECT_EQ(Str(b, "created_at"), "2026-11-24T00:00:00.000Z");
  EXPECT_FALSE(b.contains("failure_reason"));
  EXPECT_FALSE(b.contains("card_number"));
  EXPECT_FALSE(b.contains("cvc"));
  EXPECT_EQ(res.headers.Get("Location").value_or(""), "/api/v1/payments/" + Str(b, "id"));
}

TEST_F(PaymentRoutesTest, AClientSentAmountIsIgnored) {
  const auto order = h.AddOrder(kAlice, 4999);
  auto body = Body(http::Response::Json(200, ApiHarness::PayBody(order, "4242424242424242")));
  body["amount_cents"] = 1;
  body["currency"] = "EUR";
  auto res = h.Call(Method::kPost, "/api/v1/payments", boost::json::serialize(body), h.Token(kAlice));
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Body(res).at("amount_cents").as_int64(), 4999);
  EXPECT_EQ(Str(Body(res), "currency"), "USD");
}

TEST_F(PaymentRoutesTest, PayWithoutATokenIs401) {
  const auto order = h.AddOrder(kAlice);
  auto res = h.Call(Method::kPost, "/api/v1/payments", ApiHarness::PayBody(order, "4242424242424242"));
  EXPECT_EQ(res.status, 401);
  EXPECT_TRUE(res.headers.Get("WWW-Authenticate"));
}

TEST_F(PaymentRoutesTest, DeclinedCardIs201WithAFailedPayment) {
  const auto order = h.AddOrder(kAlice);
  auto declined = h.Pay(kAlice, order, "4000000000000002");
  ASSERT_EQ(declined.status, 201) << declined.body;
  EXPECT_EQ(Str(Body(declined), "status"), "FAILED");
  EXPECT_EQ(Str(Body(declined), "failure_reason"), "card_declined");
  auto poor = h.Pay(kAlice, order, "4000000000009995");
  ASSERT_EQ(poor.status, 201);
  EXPECT_EQ(Str(Body(poor), "failure_reason"), "insufficient_funds");
}

TEST_F(PaymentRoutesTest, InvalidCardIs422WithFieldErrors) {
  const auto order = h.AddOrder(kAlice);
  auto luhn = h.Pay(kAlice, order, "4242424242424241");
  ASSERT_EQ(luhn.status, 422) << luhn.body;
  EXPECT_TRUE(HasFieldError(luhn, "payment_method.card_number"));
  auto cvc = h.Pay(kAlice, order, "4242424242424242", {}, "12");
  ASSERT_EQ(cvc.status, 422);
  EXPECT_TRUE(HasFieldError(cvc, "payment_method.cvc"));
}

TEST_F(PaymentRoutesTest, ExpiredCardIs422) {
  const auto order = h.AddOrder(kAlice);
  boost::json::object pm{{"card_number", "4242424242424242"}, {"exp_month", 10}, {"exp_year", 2026}, {"cvc", "123"}};
  auto res = h.Call(Method::kPost, "/api/v1/payments",
                    boost::json::serialize(boost::json::object{{"order_id", order}, {"payment_method", pm}}),
                    h.Token(kAlice));
  ASSERT_EQ(res.status, 422) << res.body;
  EXPECT_TRUE(HasFieldError(res, "payment_method.exp_year"));
}

TEST_F(PaymentRoutesTest, WrongJsonTypesAre400AndMissingFieldsAre422) {
  const auto order = h.AddOrder(kAlice);
  boost::json::object pm{{"card_number", "4242424242424242"}, {"exp_month", "12"}, {"exp_year", 2030}, {"cvc", "123"}};
  auto wrong = h.Call(Method::kPost, "/api/v1/payments",
                      boost::json::serialize(boost::json::object{{"order_id", order}, {"payment_method", pm}}),
                      h.Token(kAlice));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  auto missing = h.Call(Method::kPost, "/api/v1/payments", R"({"order_id":")" + order + R"("})", h.Token(kAlice));
  EXPECT_EQ(missing.status, 422) << missing.body;
  EXPECT_TRUE(HasFieldError(missing, "payment_method"));
  auto malformed = h.Call(Method::kPost, "/api/v1/payments", "{", h.Token(kAlice));
  EXPECT_EQ(malformed.status, 400);
}

TEST_F(PaymentRoutesTest, NonReservedOrdersAre409NamingTheStatus) {
  for (const char* status : {"PAID", "SHIPPED", "DELIVERED", "REFUNDED", "CANCELLED", "REJECTED"}) {
    const auto order = h.AddOrder(kAlice, 100, status);
    auto res = h.Pay(kAlice, order, "4242424242424242");
    ASSERT_EQ(res.status, 409) << status;
    EXPECT_NE(Str(Body(res), "detail").find(status), std::string::npos) << res.body;
  }
}

TEST_F(PaymentRoutesTest, PendingOrderIs409WithRetryAfter) {
  const auto order = h.AddOrder(kAlice, 100, "PENDING");
  auto res = h.Pay(kAlice, order, "4242424242424242");
  ASSERT_EQ(res.status, 409);
  EXPECT_EQ(res.headers.Get("Retry-After").value_or(""), "1");
  EXPECT_NE(Str(Body(res), "detail").find("reservation in progress, retry"), std::string::npos);
}

TEST_F(PaymentRoutesTest, SecondSuccessfulPaymentIs409) {
  const auto order = h.AddOrder(kAlice);
  ASSERT_EQ(h.Pay(kAlice, order, "4242424242424242").status, 201);
  EXPECT_EQ(h.Pay(kAlice, order, "5555555555554444").status, 409);
}

TEST_F(PaymentRoutesTest, SomeoneElsesOrderIs404) {
  const auto order = h.AddOrder(kAlice);
  EXPECT_EQ(h.Pay(kBob, order, "4242424242424242").status, 404);
  EXPECT_EQ(h.Pay(kAlice, NewId(), "4242424242424242").status, 404);
}

TEST_F(PaymentRoutesTest, OrderServiceDownIs503WithRetryAfter) {
  const auto order = h.AddOrder(kAlice);
  h.SetOrdersDown(true);
  auto res = h.Pay(kAlice, order, "4242424242424242");
  EXPECT_EQ(res.status, 503) << res.body;
  EXPECT_TRUE(res.headers.Get("Retry-After"));
}

TEST_F(PaymentRoutesTest, RetryWithTheSameKeyReplaysTheSameBytes) {
  const auto order = h.AddOrder(kAlice);
  auto first = h.Pay(kAlice, order, "4242424242424242", "key-1");
  ASSERT_EQ(first.status, 201);
  h.SetOrderStatus(order, "PAID");
  auto again = h.Pay(kAlice, order, "4242424242424242", "key-1");
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.headers.Get("Idempotent-Replayed").value_or(""), "true");
  auto list = h.Call(Method::kGet, "/api/v1/payments", {}, h.Token(kAlice));
  EXPECT_EQ(Body(list).at("items").as_array().size(), 1u);
}

TEST_F(PaymentRoutesTest, SameKeyWithAnotherBodyIs409) {
  const auto order = h.AddOrder(kAlice);
  ASSERT_EQ(h.Pay(kAlice, order, "4000000000000002", "key-1").status, 201);
  auto other = h.Pay(kAlice, order, "4242424242424242", "key-1");
  EXPECT_EQ(other.status, 409) << other.body;
}

TEST_F(PaymentRoutesTest, EmptyIdempotencyKeyIs400) {
  const auto order = h.AddOrder(kAlice);
  auto res = h.Call(Method::kPost, "/api/v1/payments", ApiHarness::PayBody(order, "4242424242424242"),
                    h.Token(kAlice), {{"Idempotency-Key", " "}});
  EXPECT_EQ(res.status, 400);
}

TEST_F(PaymentRoutesTest, GetIsForTheOwnerAndAdminsOthersGet404) {
  const auto order = h.AddOrder(kAlice);
  const auto id = Str(Body(h.Pay(kAlice, order, "4242424242424242")), "id");
  const auto path = "/api/v1/payments/" + id;
  auto own = h.Call(Method::kGet, path, {}, h.Token(kAlice));
  ASSERT_EQ(own.status, 200);
  EXPECT_EQ(Str(Body(own), "id"), id);
  EXPECT_EQ(h.Call(Method::kGet, path, {}, h.Token(kAdmin, true)).status, 200);
  EXPECT_EQ(h.Call(Method::kGet, path, {}, h.Token(kBob)).status, 404);
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/payments/" + NewId(), {}, h.Token(kAlice)).status, 404);
  EXPECT_EQ(h.Call(Method::kGet, path).status, 401);
}

TEST_F(PaymentRoutesTest, ListShowsOwnPaymentsPagedWithASealedCursor) {
  const auto order = h.AddOrder(kAlice);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(h.Pay(kAlice, order, "4000000000000002").status, 201);
  const auto bobs = h.AddOrder(kBob);
  ASSERT_EQ(h.Pay(kBob, bobs, "4242424242424242").status, 201);

  auto first = h.Call(Method::kGet, "/api/v1/payments?limit=2", {}, h.Token(kAlice));
  ASSERT_EQ(first.status, 200) << first.body;
  auto b1 = Body(first);
  ASSERT_EQ(b1.at("items").as_array().size(), 2u);
  ASSERT_TRUE(b1.at("next_cursor").is_string());
  const std::string cursor(b1.at("next_cursor").as_string());
  auto second = h.Call(Method::kGet, "/api/v1/payments?limit=2&cursor=" + cursor, {}, h.Token(kAlice));
  auto b2 = Body(second);
  ASSERT_EQ(b2.at("items").as_array().size(), 1u);
  EXPECT_TRUE(b2.at("next_cursor").is_null());
  for (const auto* b : {&b1, &b2}) {
    for (const auto& item : b->at("items").as_array()) EXPECT_EQ(Str(item.as_object(), "order_id"), order);
  }

  auto admin = h.Call(Method::kGet, "/api/v1/payments?order_id=" + bobs, {}, h.Token(kAdmin, true));
  ASSERT_EQ(Body(admin).at("items").as_array().size(), 1u);
  auto all = h.Call(Method::kGet, "/api/v1/payments?limit=1000", {}, h.Token(kAdmin, true));
  ASSERT_EQ(all.status, 200);
  EXPECT_EQ(Body(all).at("items").as_array().size(), 4u);
  auto bob_filter_alice = h.Call(Method::kGet, "/api/v1/payments?order_id=" + order, {}, h.Token(kBob));
  EXPECT_EQ(Body(bob_filter_alice).at("items").as_array().size(), 0u);
}

TEST_F(PaymentRoutesTest, ForgedCursorAndBadLimitsAre400) {
  const auto token = h.Token(kAlice);
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/payments?cursor=abc", {}, token).status, 400);
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/payments?limit=-1", {}, token).status, 400);
  EXPECT_EQ(h.Call(Method::kGet, "/api/v1/payments?limit=ten", {}, token).status, 400);
}

TEST_F(PaymentRoutesTest, AdminRefundAnswers200WithARefundedPayment) {
  const auto order = h.AddOrder(kAlice);
  const auto id = Str(Body(h.Pay(kAlice, order, "4242424242424242")), "id");
  const auto path = "/api/v1/payments/" + id + "/refund";
  EXPECT_EQ(h.Call(Method::kPost, path, {}, h.Token(kAlice)).status, 403);
  auto res = h.Call(Method::kPost, path, {}, h.Token(kAdmin, true));
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Str(Body(res), "status"), "REFUNDED");
  EXPECT_EQ(h.Call(Method::kPost, path, "{}", h.Token(kAdmin, true)).status, 409);
  EXPECT_EQ(h.Call(Method::kPost, "/api/v1/payments/" + NewId() + "/refund", {}, h.Token(kAdmin, true)).status, 404);
}

TEST_F(PaymentRoutesTest, RefundOfAFailedPaymentIs409) {
  const auto order = h.AddOrder(kAlice);
  const auto id = Str(Body(h.Pay(kAlice, order, "4000000000000002")), "id");
  auto res = h.Call(Method::kPost, "/api/v1/payments/" + id + "/refund", {}, h.Token(kAdmin, true));
  EXPECT_EQ(res.status, 409);
  EXPECT_NE(Str(Body(res), "detail").find("FAILED"), std::string::npos);
}

}  // namespace
}  // namespace shop::payment::testing
