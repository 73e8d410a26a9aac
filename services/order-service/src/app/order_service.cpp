#include "app/order_service.hpp"

#include "app/order_events.hpp"
#include "shop/core/cursor.hpp"

namespace shop::order::app {
namespace {

constexpr std::string_view kCursorPrefix = "orders:";

Error NotFound() { return Error::NotFound("order not found"); }

bool Visible(const Actor& actor, const domain::Order& o) { return actor.is_admin || o.user_id == actor.user_id; }

}  // namespace

Result<domain::Order> OrderService::Get(const Actor& actor, std::string_view id) {
  return d_.db.Read([&](db::Tx& tx) -> Result<domain::Order> {
    auto found = d_.orders.Find(tx, id);
    if (!found) return found.error();
    if (!*found || !Visible(actor, **found)) return NotFound();
    return std::move(**found);
  });
}

Task<Result<domain::Order>> OrderService::GetAsync(Actor actor, std::string id,
                                                   boost::asio::any_io_executor blocking) {
  auto found = co_await d_.db.ReadAsync<std::optional<domain::Order>>(
      [this, &id](db::AsyncTx& tx) { return d_.orders.FindAsync(tx, id); }, std::move(blocking));
  if (!found) co_return found.error();
  if (!*found || !Visible(actor, **found)) co_return NotFound();
  co_return std::move(**found);
}

Result<OrderPage> OrderService::List(const Actor& actor, const ListQuery& query) {
  OrderFilter filter;
  if (!actor.is_admin) filter.user_id = actor.user_id;
  filter.status = query.status;
  filter.limit = query.limit + 1;  // one more tells whether there is a next page
  if (query.cursor) {
    auto payload = cursor::Open(*query.cursor);
    if (!payload || !payload->starts_with(kCursorPrefix)) return Error::BadRequest("cursor is invalid");
    filter.before_id = payload->substr(kCursorPrefix.size());
  }
  auto rows = d_.db.Read([&](db::Tx& tx) { return d_.orders.List(tx, filter); });
  if (!rows) return rows.error();
  OrderPage page;
  page.items = std::move(*rows);
  if (page.items.size() > static_cast<std::size_t>(query.limit)) {
    page.items.resize(static_cast<std::size_t>(query.limit));
    page.next_cursor = cursor::Seal(std::string(kCursorPrefix) + page.items.back().id);
  }
  return page;
}

Result<domain::Order> OrderService::Cancel(const Actor& actor, std::string_view id) {
  return d_.db.Write([&](db::Tx& tx) -> Result<domain::Order> {
    auto found = d_.orders.Find(tx, id);
    if (!found) return found.error();
    if (!*found || !Visible(actor, **found)) return NotFound();
    auto order = std::move(**found);
    const auto before = order.status;
    if (auto moved = order.MoveTo(domain::OrderStatus::kCancelled, d_.clock.NowMs()); !moved) return moved.error();
    if (auto up = d_.orders.Update(tx, order, before); !up) return up.error();
    const bool by_owner = order.user_id == actor.user_id;
    auto ev = OrderCancelled(order, by_owner ? "customer" : "admin", d_.clock);
    if (auto app = events::Append(tx, ev); !app) return app.error();
    return order;
  });
}

Result<domain::Order> OrderService::Ship(const Actor& actor, std::string_view id) {
  return Fulfil(actor, id, domain::OrderStatus::kShipped);
}

Result<domain::Order> OrderService::Deliver(const Actor& actor, std::string_view id) {
  return Fulfil(actor, id, domain::OrderStatus::kDelivered);
}

Result<domain::Order> OrderService::Fulfil(const Actor& actor, std::string_view id, domain::OrderStatus to) {
  if (!actor.is_admin) return Error::Forbidden("fulfilment is for administrators");
  return d_.db.Write([&](db::Tx& tx) -> Result<domain::Order> {
    auto found = d_.orders.Find(tx, id);
    if (!found) return found.error();
    if (!*found) return NotFound();
    auto order = std::move(**found);
    const auto before = order.status;
    if (auto moved = order.MoveTo(to, d_.clock.NowMs()); !moved) return moved.error();
    if (auto up = d_.orders.Update(tx, order, before); !up) return up.error();
    auto ev = to == domain::OrderStatus::kShipped ? OrderShipped(order, d_.clock) : OrderDelivered(order, d_.clock);
    if (auto app = events::Append(tx, ev); !app) return app.error();
    return order;
  });
}

}  // namespace shop::order::app
