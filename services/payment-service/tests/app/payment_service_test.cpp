#include <gtest/gtest.h>

#include "app/payment_events.hpp"
#include "support/harness.hpp"

namespace shop::payment::testing {
namespace {

using domain::PaymentStatus;

app::IdempotencyScope Key(std::string key, std::string fingerprint = "fp-1") {
  return {std::move(key), std::move(fingerprint)};
}

class PaymentServiceTest : public ::testing::Test {
 protected:
  AppHarness h;
  domain::OrderSnapshot order = ReservedOrder(kAlice, 4999);
  void SetUp() override { h.orders.Put(order); }
};

TEST_F(PaymentServiceTest, PaySucceedsWithTheOrdersAmountAndCurrency) {
  auto out = h.Pay(kAlice, order.id, "4242424242424242");
  ASSERT_TRUE(out) << out.error().detail;
  ASSERT_FALSE(out->replayed);
  const auto& p = *out->payment;
  EXPECT_EQ(p.status, PaymentStatus::kSucceeded);
  EXPECT_EQ(p.amount_cents, 4999);
  EXPECT_EQ(p.currency, "USD");
  EXPECT_EQ(p.order_id, order.id);
  EXPECT_EQ(p.user_id, kAlice);
  EXPECT_EQ(p.card.brand, domain::CardBrand::kVisa);
  EXPECT_EQ(p.card.last4, "4242");
  EXPECT_FALSE(p.failure_reason);
  EXPECT_EQ(out->response.status, 201);

  auto stored = h.service.Get(h.CallerFor(kAlice), p.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->status, PaymentStatus::kSucceeded);
  EXPECT_EQ(stored->card.last4, "4242");
  EXPECT_EQ(stored->created_at, h.clock.NowMs());
}

TEST_F(PaymentServiceTest, PayForwardsTheCallersAuthorizationToTheOrderService) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4242424242424242"));
  EXPECT_EQ(h.orders.last_authorization(), "Bearer test-token-of-" + std::string(kAlice));
}

TEST_F(PaymentServiceTest, SuccessPublishesPaymentSucceededKeyedByOrder) {
  auto out = h.Pay(kAlice, order.id, "4242 4242 4242 4242");
  ASSERT_TRUE(out);
  auto sent = h.bus.Drain(h.database.db());
  ASSERT_EQ(sent.size(), 1u);
  const auto& e = sent[0];
  EXPECT_EQ(e.event_type, "PaymentSucceeded");
  EXPECT_EQ(e.topic, "payments");
  EXPECT_EQ(e.key, order.id);
  EXPECT_EQ(e.data.at("payment_id").as_string(), out->payment->id);
  EXPECT_EQ(e.data.at("order_id").as_string(), order.id);
  EXPECT_EQ(e.data.at("user_id").as_string(), kAlice);
  EXPECT_EQ(e.data.at("amount_cents").as_int64(), 4999);
  EXPECT_EQ(e.data.at("currency").as_string(), "USD");
}

TEST_F(PaymentServiceTest, DeclinedCardIsAFailedPaymentWithCardDeclined) {
  auto out = h.Pay(kAlice, order.id, "4000000000000002");
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_EQ(out->payment->status, PaymentStatus::kFailed);
  EXPECT_EQ(out->payment->failure_reason, std::optional<std::string>("card_declined"));
  auto sent = h.bus.Drain(h.database.db());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].event_type, "PaymentFailed");
  EXPECT_EQ(sent[0].data.at("reason").as_string(), "card_declined");
  EXPECT_EQ(sent[0].data.at("order_id").as_string(), order.id);
}

TEST_F(PaymentServiceTest, InsufficientFundsIsAFailedPayment) {
  auto out = h.Pay(kAlice, order.id, "4000000000009995");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->payment->status, PaymentStatus::kFailed);
  EXPECT_EQ(out->payment->failure_reason, std::optional<std::string>("insufficient_funds"));
}

TEST_F(PaymentServiceTest, AFailedPaymentLeavesTheOrderPayableWithAnotherCard) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4000000000000002"));
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4000000000009995"));
  auto ok = h.Pay(kAlice, order.id, "5555555555554444");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->payment->status, PaymentStatus::kSucceeded);
  EXPECT_EQ(ok->payment->card.brand, domain::CardBrand::kMastercard);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 3);
}

TEST_F(PaymentServiceTest, OrdersThatAreNotReservedCannotBePaid) {
  for (const char* status : {"PAID", "SHIPPED", "DELIVERED", "REFUNDED", "CANCELLED", "REJECTED"}) {
    h.orders.SetStatus(order.id, status);
    auto out = h.Pay(kAlice, order.id, "4242424242424242");
    ASSERT_FALSE(out) << status;
    EXPECT_EQ(out.error().code, Errc::kConflict) << status;
    EXPECT_NE(out.error().detail.find(status), std::string::npos) << out.error().detail;
  }
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 0);
  EXPECT_TRUE(h.bus.Drain(h.database.db()).empty());
}

TEST_F(PaymentServiceTest, PendingOrderAsksTheClientToRetryInASecond) {
  h.orders.SetStatus(order.id, "PENDING");
  auto out = h.Pay(kAlice, order.id, "4242424242424242");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kConflict);
  EXPECT_NE(out.error().detail.find("reservation in progress, retry"), std::string::npos);
  EXPECT_EQ(out.error().retry_after_s, std::optional<int>(1));
}

TEST_F(PaymentServiceTest, SecondSuccessfulPaymentOfAnOrderIsConflict) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4242424242424242"));
  // The order-service has not caught up yet (still RESERVED): our own record must refuse.
  auto again = h.Pay(kAlice, order.id, "5555555555554444");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::kConflict);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments WHERE status = 'SUCCEEDED'"), 1);
}

TEST_F(PaymentServiceTest, UniqueIndexRefusesASecondCaptureUnderARace) {
  domain::Payment p;
  p.id = "0193a000-0000-7000-8000-000000000001";
  p.order_id = order.id;
  p.user_id = std::string(kAlice);
  p.status = PaymentStatus::kSucceeded;
  p.amount_cents = 10;
  p.currency = "USD";
  p.card = {domain::CardBrand::kVisa, "4242"};
  p.provider = "sandbox";
  auto insert = [&](domain::Payment q) {
    return h.database.db().Write([&](db::Tx& tx) { return h.repository.Insert(tx, q); });
  };
  ASSERT_TRUE(insert(p));
  domain::Payment second = p;
  second.id = "0193a000-0000-7000-8000-000000000002";
  auto r = insert(second);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  second.status = PaymentStatus::kFailed;  // failed attempts are not limited
  EXPECT_TRUE(insert(second));
}

TEST_F(PaymentServiceTest, SomeoneElsesOrderIsNotFound) {
  auto out = h.Pay(kBob, order.id, "4242424242424242");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kNotFound);
}

TEST_F(PaymentServiceTest, AnAdminCannotPaySomeoneElsesOrder) {
  app::PayCommand cmd{order.id, {"4242424242424242", 12, 2030, "123"}};
  auto out = h.service.Pay(h.CallerFor(kAdmin, /*admin=*/true), cmd, std::nullopt, RenderForTest);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kNotFound);
}

TEST_F(PaymentServiceTest, OrderServiceDownIsUnavailable) {
  h.orders.SetUnavailable(true);
  auto out = h.Pay(kAlice, order.id, "4242424242424242");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kUnavailable);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 0);
}

TEST_F(PaymentServiceTest, InvalidCardIsRejectedBeforeTheOrderIsRead) {
  auto out = h.Pay(kAlice, order.id, "4242424242424241");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  EXPECT_EQ(h.orders.calls(), 0);
}

TEST_F(PaymentServiceTest, ExpiredCardIsInvalid) {
  app::PayCommand cmd{order.id, {"4242424242424242", 10, 2026, "123"}};
  auto out = h.service.Pay(h.CallerFor(kAlice), cmd, std::nullopt, RenderForTest);
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  ASSERT_FALSE(out.error().fields.empty());
  EXPECT_EQ(out.error().fields[0].field, "payment_method.exp_year");
}

TEST_F(PaymentServiceTest, WrongCvcFormatIsInvalid) {
  auto out = h.Pay(kAlice, order.id, "4242424242424242", std::nullopt, "12");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  EXPECT_EQ(out.error().fields.at(0).field, "payment_method.cvc");
}

TEST_F(PaymentServiceTest, MalformedOrderIdIsInvalid) {
  auto out = h.Pay(kAlice, "../../admin", "4242424242424242");
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::kInvalid);
  EXPECT_EQ(out.error().fields.at(0).field, "order_id");
  EXPECT_EQ(h.orders.calls(), 0);
}

TEST_F(PaymentServiceTest, RetryWithTheSameKeyReplaysByteForByteAndChargesOnce) {
  auto first = h.Pay(kAlice, order.id, "4242424242424242", Key("k-1"));
  ASSERT_TRUE(first);
  auto second = h.Pay(kAlice, order.id, "4242424242424242", Key("k-1"));
  ASSERT_TRUE(second) << second.error().detail;
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->response.status, first->response.status);
  EXPECT_EQ(second->response.body, first->response.body);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
  EXPECT_EQ(h.bus.Drain(h.database.db()).size(), 1u);
}

TEST_F(PaymentServiceTest, ReplayDoesNotReadTheOrderAgain) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4242424242424242", Key("k-1")));
  h.orders.SetStatus(order.id, "PAID");  // the saga moved on; the retry still gets the first answer
  const int calls = h.orders.calls();
  auto again = h.Pay(kAlice, order.id, "4242424242424242", Key("k-1"));
  ASSERT_TRUE(again);
  EXPECT_TRUE(again->replayed);
  EXPECT_EQ(h.orders.calls(), calls);
}

TEST_F(PaymentServiceTest, DeclinedPaymentIsReplayedToo) {
  auto first = h.Pay(kAlice, order.id, "4000000000000002", Key("k-d"));
  ASSERT_TRUE(first);
  auto second = h.Pay(kAlice, order.id, "4000000000000002", Key("k-d"));
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->replayed);
  EXPECT_EQ(second->response.body, first->response.body);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
}

TEST_F(PaymentServiceTest, SameKeyWithAnotherRequestIsConflict) {
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4000000000000002", Key("k-1", "fp-a")));
  auto other = h.Pay(kAlice, order.id, "4242424242424242", Key("k-1", "fp-b"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::kConflict);
  EXPECT_EQ(h.CountRows("SELECT COUNT(*) FROM payments"), 1);
}

TEST_F(PaymentServiceTest, KeysAreScopedToTheUser) {
  auto bobs = ReservedOrder(kBob, 100);
  h.orders.Put(bobs);
  ASSERT_TRUE(h.Pay(kAlice, order.id, "4242424242424242", Key("shared", "fp-a")));
  auto out = h.Pay(kBob, bobs.id, "4242424242424242", Key("shared", "fp-b"));
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_FALSE(out->replayed);
  EXPECT_EQ(out->payment->amount_cents, 100);
}

TEST_F(PaymentServiceTest, FailedRequestsAreNotRecordedUnderTheirKey) {
  h.orders.SetStatus(order.id, "PENDING");
  ASSERT_FALSE(h.Pay(kAlice, order.id, "4242424242424242", Key("k-p")));
  h.orders.SetStatus(order.id, "RESERVED");
  auto out = h.Pay(kAlice, order.id, "4242424242424242", Key("k-p"));
  ASSERT_TRUE(out) << out.error().detail;
  EXPECT_FALSE(out->replayed);
}

TEST_F(PaymentServiceTest, OwnerAndAdminSeeAPaymentOthersGetNotFound) {
  auto out = h.Pay(kAlice, order.id, "4242424242424242");
  ASSERT_TRUE(out);
  const auto id = out->payment->id;
  EXPECT_TRUE(h.service.Get(h.CallerFor(kAlice), id));
  EXPECT_TRUE(h.service.Get(h.CallerFor(kAdmin, true), id));
  auto bob = h.service.Get(h.CallerFor(kBob), id);
  ASSERT_FALSE(bob);
  EXPECT_EQ(bob.error().code, Errc::kNotFound);
}

TEST_F(PaymentServiceTest, ListPagesNewestFirstAndFiltersByUserAndOrder) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(h.Pay(kAlice, order.id, "4000000000000002"));
  auto bobs = ReservedOrder(kBob, 100);
  h.orders.Put(bobs);
  ASSERT_TRUE(h.Pay(kBob, bobs.id, "4242424242424242"));

  app::ListFilter f;
  f.user_id = std::string(kAlice);
  f.limit = 2;
  std::vector<std::string> seen;
  for (int page = 0; page < 5; ++page) {
    auto p = h.service.List(f);
    ASSERT_TRUE(p);
    for (const auto& item : p->items) {
      EXPECT_EQ(item.user_id, kAlice);
      if (!seen.empty()) {
        EXPECT_LT(item.id, seen.back());
      }
      seen.push_back(item.id);
    }
    if (!p->next_before_id) break;
    f.before_id = p->next_before_id;
  }
  EXPECT_EQ(seen.size(), 5u);

  app::ListFilter all;
  all.limit = 100;
  EXPECT_EQ(h.service.List(all)->items.size(), 6u);
  all.order_id = bobs.id;
  ASSERT_EQ(h.service.List(all)->items.size(), 1u);
  EXPECT_EQ(h.service.List(all)->items[0].user_id, kBob);
}

}  // namespace
}  // namespace shop::payment::testing
