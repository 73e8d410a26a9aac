// OrderService::Place: the first step of the checkout saga.
#include <algorithm>

#include "app/order_events.hpp"
#include "app/order_service.hpp"
#include "shop/core/ids.hpp"
#include "shop/failpoint/failpoint.hpp"
#include "shop/idempotency/idempotency.hpp"

namespace shop::order::app {
namespace {

constexpr int kCartRaceAttempts = 3;

std::vector<domain::RequestedLine> FromCart(const std::vector<CartLine>& cart) {
  std::vector<domain::RequestedLine> lines;
  lines.reserve(cart.size());
  for (const auto& c : cart) lines.push_back({c.product_id, c.quantity});
  return lines;
}

bool SameCart(const std::vector<CartLine>& a, const std::vector<CartLine>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const CartLine& x, const CartLine& y) {
    return x.product_id == y.product_id && x.quantity == y.quantity;
  });
}

// The field an unknown product is reported under: the first request line naming it.
std::string FieldOf(const PlaceOrderCommand& cmd, std::string_view product_id) {
  if (cmd.from_cart) return "from_cart";
  for (std::size_t i = 0; i < cmd.items.size(); ++i) {
    if (cmd.items[i].product_id == product_id) return "items[" + std::to_string(i) + "].product_id";
  }
  return "items";
}

// A retry of an earlier request: its stored response, looked up before any catalog call so that a
// replay works even after the cart was emptied by the first attempt.
Result<std::optional<idempotency::Stored>> Seen(db::Database& db, const Actor& actor, const IdempotencyScope& idem,
                                                UnixMillis now) {
  // A write transaction: Lookup deletes an expired record.
  return db.Write([&](db::Tx& tx) { return idempotency::Lookup(tx, actor.user_id, idem.key, idem.fingerprint, now); });
}

}  // namespace

Result<std::vector<domain::PricedLine>> OrderService::Price(const std::vector<domain::RequestedLine>& lines,
                                                            const http::RequestContext& ctx) {
  std::vector<domain::PricedLine> priced;
  std::vector<std::string> unknown;
  for (const auto& line : lines) {
    auto product = d_.catalog.Find(line.product_id, ctx);
    if (!product) return product.error();
    if (!*product) {
      unknown.push_back(line.product_id);
      continue;
    }
    const auto& p = **product;
    priced.push_back({{p.id, p.sku, p.name, p.price_cents, line.quantity}, p.currency});
  }
  if (!unknown.empty()) {
    Error e{Errc::kInvalid, "unknown product"};
    for (auto& id : unknown) e.fields.push_back({id, "unknown product"});
    return e;
  }
  return priced;
}

Result<PlaceOutcome> OrderService::Place(const Actor& actor, const PlaceOrderCommand& cmd,
                                         const std::optional<IdempotencyScope>& idem, const OrderRenderer& render,
                                         const http::RequestContext& ctx) {
  if (auto errors = domain::Validate(cmd.shipping_address); !errors.empty()) return Error::Invalid(std::move(errors));
  if (idem) {
    auto seen = Seen(d_.db, actor, *idem, d_.clock.NowMs());
    if (!seen) return seen.error();
    if (*seen) return PlaceOutcome{{(*seen)->status, (*seen)->body}, true};
  }

  for (int attempt = 0; attempt < kCartRaceAttempts; ++attempt) {
    std::vector<CartLine> snapshot;
    if (cmd.from_cart) {
      auto cart = d_.db.Read([&](db::Tx& tx) { return d_.carts.Lines(tx, actor.user_id); });
      if (!cart) return cart.error();
      if (cart->empty()) return Error::Invalid("from_cart", "the cart is empty");
      snapshot = std::move(*cart);
    }
    auto merged = domain::MergeLines(cmd.from_cart ? FromCart(snapshot) : cmd.items);
    if (!merged) return merged.error();
    auto priced = Price(*merged, ctx);
    if (!priced) {
      // Name the request field of each unknown product.
      Error e = priced.error();
      for (auto& f : e.fields) {
        f.message = "unknown product " + f.field;
        f.field = FieldOf(cmd, f.field);
      }
      return e;
    }
    auto order = domain::Order::Create(NewId(), actor.user_id, std::move(*priced), cmd.shipping_address,
                                       d_.clock.NowMs());
    if (!order) return order.error();

    bool cart_changed = false;
    auto out = d_.db.Write([&](db::Tx& tx) -> Result<PlaceOutcome> {
      const auto now = d_.clock.NowMs();
      if (idem) {
        // Checked again inside the transaction: a concurrent retry may have committed meanwhile.
        auto seen = idempotency::Lookup(tx, actor.user_id, idem->key, idem->fingerprint, now);
        if (!seen) return seen.error();
        if (*seen) return PlaceOutcome{{(*seen)->status, (*seen)->body}, true};
      }
      if (cmd.from_cart) {
        auto cart = d_.carts.Lines(tx, actor.user_id);
        if (!cart) return cart.error();
        if (!SameCart(*cart, snapshot)) {
          cart_changed = true;
          return Error::Conflict("the cart changed during checkout; retry");
        }
        if (auto cleared = d_.carts.Clear(tx, actor.user_id); !cleared) return cleared.error();
      }
      if (auto ins = d_.orders.Insert(tx, *order); !ins) return ins.error();
      if (auto ev = events::Append(tx, OrderCreated(*order, d_.clock)); !ev) return ev.error();
      Rendered rendered = render(*order);
      if (idem) {
        auto saved = idempotency::Save(tx, actor.user_id, idem->key, idem->fingerprint, rendered.status,
                                       rendered.body, now);
        if (!saved) return saved.error();
      }
      if (auto fp = failpoint::Hit("orders.place.before_commit"); !fp) return fp.error();
      return PlaceOutcome{std::move(rendered), false};
    });
    if (!out && cart_changed) continue;  // priced a cart that no longer exists: price it again
    // Committed but not yet answered: a crash here is what an Idempotency-Key retry recovers from.
    if (out && !out->replayed) (void)failpoint::Hit("orders.place.after_commit");
    return out;
  }
  return Error::Conflict("the cart kept changing during checkout; retry");
}

}  // namespace shop::order::app
