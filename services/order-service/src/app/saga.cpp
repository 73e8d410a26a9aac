#include "app/saga.hpp"

#include "app/order_events.hpp"
#include "shop/failpoint/failpoint.hpp"

namespace shop::order::app {
namespace {

using domain::Order;
using domain::OrderStatus;

// Runs `effect(tx, order-or-null)` once per event id, in one transaction with the inbox record.
template <class F>
Result<void> Once(const Deps& d, std::string_view event_id, std::string_view order_id, F&& effect) {
  return d.db.Write([&](db::Tx& tx) -> Result<void> {
    auto first = events::Remember(tx, kConsumerName, event_id);
    if (!first) return first.error();
    if (!*first) return Ok();
    auto found = d.orders.Find(tx, order_id);
    if (!found) return found.error();
    if (auto done = effect(tx, *found ? &**found : nullptr); !done) return done.error();
    return failpoint::Hit("orders.consumer.before_commit");
  });
}

Result<void> Save(const Deps& d, db::Tx& tx, Order& o, OrderStatus before) {
  return d.orders.Update(tx, o, before);
}

Result<void> Reject(const Deps& d, db::Tx& tx, std::string_view order_id, std::string_view payment_id,
                    std::string reason) {
  return events::Append(tx, OrderPaymentRejected(order_id, payment_id, reason, d.clock));
}

}  // namespace

Result<void> Saga::OnInventoryReserved(std::string_view event_id, std::string_view order_id,
                                       std::optional<UnixMillis> expires_at) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    // Not PENDING: cancelled meanwhile (its OrderCancelled releases the stock) or a duplicate.
    if (!o || o->status != OrderStatus::kPending) return Ok();
    if (auto m = o->MoveTo(OrderStatus::kReserved, d_.clock.NowMs()); !m) return m.error();
    o->reservation_expires_at = expires_at;
    return Save(d_, tx, *o, OrderStatus::kPending);
  });
}

Result<void> Saga::OnReservationFailed(std::string_view event_id, std::string_view order_id, std::string detail) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    if (!o || o->status != OrderStatus::kPending) return Ok();
    if (auto m = o->MoveTo(OrderStatus::kRejected, d_.clock.NowMs()); !m) return m.error();
    o->failure_reason = "out_of_stock";
    o->failure_detail = std::move(detail);
    return Save(d_, tx, *o, OrderStatus::kPending);
  });
}

Result<void> Saga::OnInventoryReleased(std::string_view event_id, std::string_view order_id, std::string_view reason) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    // Releases that follow our own OrderCancelled carry another reason and change nothing here.
    if (reason != "expired" || !o || o->status != OrderStatus::kReserved) return Ok();
    if (auto m = o->MoveTo(OrderStatus::kCancelled, d_.clock.NowMs()); !m) return m.error();
    if (auto s = Save(d_, tx, *o, OrderStatus::kReserved); !s) return s.error();
    return events::Append(tx, OrderCancelled(*o, "expired", d_.clock));
  });
}

Result<void> Saga::OnPaymentSucceeded(std::string_view event_id, std::string_view order_id,
                                      std::string_view payment_id, std::int64_t amount_cents,
                                      std::string_view currency) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    if (!o) return Reject(d_, tx, order_id, payment_id, "unknown order");
    if (o->payment_id && *o->payment_id == payment_id) return Ok();  // already applied
    if (o->status != OrderStatus::kReserved) {
      return Reject(d_, tx, order_id, payment_id, "order is " + std::string(domain::ToString(o->status)));
    }
    if (amount_cents != o->total_cents || currency != o->currency) {
      return Reject(d_, tx, order_id, payment_id, "amount does not match the order total");
    }
    if (auto m = o->MoveTo(OrderStatus::kPaid, d_.clock.NowMs()); !m) return m.error();
    o->payment_id = std::string(payment_id);
    if (auto s = Save(d_, tx, *o, OrderStatus::kReserved); !s) return s.error();
    return events::Append(tx, OrderPaid(*o, d_.clock));
  });
}

Result<void> Saga::OnPaymentFailed(std::string_view event_id, std::string_view order_id, std::string reason) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    if (!o || o->status != OrderStatus::kReserved) return Ok();
    o->last_payment_error = std::move(reason);
    o->updated_at = d_.clock.NowMs();
    return Save(d_, tx, *o, OrderStatus::kReserved);
  });
}

Result<void> Saga::OnPaymentRefunded(std::string_view event_id, std::string_view order_id,
                                     std::string_view payment_id) {
  return Once(d_, event_id, order_id, [&](db::Tx& tx, Order* o) -> Result<void> {
    // A refund of a rejected (late or duplicate) payment leaves the order as it is.
    if (!o || !o->payment_id || *o->payment_id != payment_id) return Ok();
    const auto before = o->status;
    if (!domain::CanTransition(before, OrderStatus::kRefunded)) return Ok();
    if (auto m = o->MoveTo(OrderStatus::kRefunded, d_.clock.NowMs()); !m) return m.error();
    return Save(d_, tx, *o, before);
  });
}

Result<int> Saga::ExpireStale(UnixMillis now, int batch) {
  int cancelled = 0;
  const std::pair<OrderStatus, UnixMillis> sweeps[] = {
      {OrderStatus::kReserved, now - policy_.payment_timeout_ms},
      {OrderStatus::kPending, now - policy_.pending_timeout_ms},
  };
  for (const auto& [status, cutoff] : sweeps) {
    auto ids = d_.db.Read([&](db::Tx& tx) { return d_.orders.FindStale(tx, status, cutoff, batch); });
    if (!ids) return ids.error();
    for (const auto& id : *ids) {
      // One transaction per order: a payment racing the sweep either lands first (PAID, skipped
      // here) or finds the order CANCELLED and is rejected (refunded).
      auto done = d_.db.Write([&](db::Tx& tx) -> Result<bool> {
        auto found = d_.orders.Find(tx, id);
        if (!found) return found.error();
        if (!*found || (*found)->status != status) return false;
        auto& o = **found;
        if (auto m = o.MoveTo(OrderStatus::kCancelled, d_.clock.NowMs()); !m) return m.error();
        if (auto s = Save(d_, tx, o, status); !s) return s.error();
        if (auto e = events::Append(tx, OrderCancelled(o, "expired", d_.clock)); !e) return e.error();
        return true;
      });
      if (!done) return done.error();
      if (*done) ++cancelled;
    }
  }
  return cancelled;
}

}  // namespace shop::order::app
