#include "app/payment_service.hpp"

#include "app/payment_events.hpp"
#include "shop/core/ids.hpp"
#include "shop/failpoint/failpoint.hpp"
#include "shop/idempotency/idempotency.hpp"

namespace shop::payment::app {
namespace {

constexpr std::string_view kAlreadyPaid = "order already has a successful payment";

domain::Payment NewPayment(const domain::OrderSnapshot& order, const Caller& caller, const domain::Card& card,
                           std::string id, std::string_view provider, UnixMillis now) {
  domain::Payment p;
  p.id = std::move(id);
  p.order_id = order.id;
  p.user_id = caller.user_id;
  p.amount_cents = order.total_cents;
  p.currency = order.currency;
  p.card = card.Summary();
  p.provider = std::string(provider);
  p.created_at = now;
  p.updated_at = now;
  return p;
}

}  // namespace

PaymentService::PaymentService(db::Database& db, PaymentRepository& payments, OrderClient& orders,
                               PaymentProvider& provider, const Clock& clock)
    : db_(db), payments_(payments), orders_(orders), provider_(provider), clock_(clock) {}

Result<PayOutcome> PaymentService::Pay(const Caller& caller, const PayCommand& cmd,
                                       const std::optional<IdempotencyScope>& idem, const Renderer& render) {
  const UnixMillis now = clock_.NowMs();

  // A retry of a completed request is answered from the record, before the card or the order is
  // looked at again (the card may have expired since; the order is PAID by now).
  auto recorded = [&]() -> Result<std::optional<PayOutcome>> {
    if (!idem) return std::optional<PayOutcome>{};
    auto seen = db_.Write([&](db::Tx& tx) -> Result<std::optional<idempotency::Stored>> {
      return idempotency::Lookup(tx, caller.user_id, idem->key, idem->fingerprint, now);
    });
    if (!seen) return seen.error();
    if (!*seen) return std::optional<PayOutcome>{};
    return std::optional<PayOutcome>{PayOutcome{true, {(*seen)->status, (*seen)->body}, std::nullopt}};
  };
  // A conflict found outside the final transaction may be a concurrent request with this very key
  // that has just committed: its recorded answer wins over the conflict.
  auto replay_or = [&](Error e) -> Result<PayOutcome> {
    auto again = recorded();
    if (again && *again) return std::move(**again);
    return e;
  };
  if (auto seen = recorded(); !seen) {
    return seen.error();
  } else if (*seen) {
    return std::move(**seen);
  }

  std::vector<FieldError> errors;
  if (!IsUuid(cmd.order_id)) errors.push_back({"order_id", "must be an order id"});
  auto card = domain::ValidateCard(cmd.card, now);
  if (!card) {
    for (auto& f : card.error().fields) errors.push_back(std::move(f));
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));

  auto order = orders_.Get(cmd.order_id, caller);
  if (!order) return order.error();
  // The order-service already hides other users' orders; an admin token would see them, but only
  // the owner pays an order.
  if (order->user_id != caller.user_id) return Error::NotFound("order not found");
  if (auto ok = domain::CheckPayable(*order); !ok) return replay_or(ok.error());

  auto captured = db_.Read([&](db::Tx& tx) { return payments_.FindCaptured(tx, order->id); });
  if (!captured) return captured.error();
  if (*captured) return replay_or(Error::Conflict(std::string(kAlreadyPaid)));

  domain::Payment payment = NewPayment(*order, caller, *card, NewId(), provider_.name(), now);
  auto decision = provider_.Charge({payment.id, payment.order_id, payment.amount_cents, payment.currency}, *card);
  if (!decision) return decision.error();
  payment.status = decision->succeeded ? domain::PaymentStatus::kSucceeded : domain::PaymentStatus::kFailed;
  if (!decision->succeeded) payment.failure_reason = decision->failure_reason;
  if (!decision->provider_ref.empty()) payment.provider_ref = decision->provider_ref;

  auto committed = db_.Write([&](db::Tx& tx) -> Result<PayOutcome> {
    if (idem) {
      // A concurrent request with the same key may have committed meanwhile: its answer wins.
      auto seen = idempotency::Lookup(tx, caller.user_id, idem->key, idem->fingerprint, now);
      if (!seen) return seen.error();
      if (*seen) return PayOutcome{true, {(*seen)->status, (*seen)->body}, std::nullopt};
    }
    if (auto r = payments_.Insert(tx, payment); !r) {
      if (r.error().code == Errc::kConflict) return Error::Conflict(std::string(kAlreadyPaid));
      return r.error();
    }
    if (auto r = events::Append(tx, ChargeEvent(payment, clock_)); !r) return r.error();
    Rendered response = render(payment);
    if (idem) {
      if (auto r = idempotency::Save(tx, caller.user_id, idem->key, idem->fingerprint, response.status,
                                     response.body, now);
          !r) {
        return r.error();
      }
    }
    if (auto fp = failpoint::Hit("payment.before_commit"); !fp) return fp.error();
    return PayOutcome{false, std::move(response), std::move(payment)};
  });
  if (!committed) return committed.error();
  // Committed, yet the caller may be told otherwise (or the process may die here): a retry with the
  // same Idempotency-Key then gets the stored answer.
  if (auto fp = failpoint::Hit("payment.after_commit"); !fp) return fp.error();
  return committed;
}

Result<domain::Payment> PaymentService::Get(const Caller& caller, std::string_view id) {
  auto found = db_.Read([&](db::Tx& tx) { return payments_.FindById(tx, id); });
  if (!found) return found.error();
  if (!*found || (!caller.is_admin && (*found)->user_id != caller.user_id)) {
    return Error::NotFound("payment not found");
  }
  return std::move(**found);
}

Result<Page> PaymentService::List(const ListFilter& filter) {
  ListFilter probe = filter;
  probe.limit = filter.limit + 1;  // one more tells whether a next page exists
  auto rows = db_.Read([&](db::Tx& tx) { return payments_.List(tx, probe); });
  if (!rows) return rows.error();
  Page page;
  page.items = std::move(*rows);
  if (page.items.size() > static_cast<std::size_t>(filter.limit)) {
    page.items.resize(static_cast<std::size_t>(filter.limit));
    page.next_before_id = page.items.back().id;
  }
  return page;
}

}  // namespace shop::payment::app
