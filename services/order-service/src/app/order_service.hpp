// OrderService: the customer- and admin-facing order use cases (place, read, list, cancel, ship,
// deliver). Every state change and its event commit in ONE write transaction (outbox).
// Thread-safe (state lives in the database); blocking: call from worker threads only.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "app/deps.hpp"
#include "domain/order.hpp"

namespace shop::order::app {

struct PlaceOrderCommand {
  std::vector<domain::RequestedLine> items;  // used when !from_cart
  bool from_cart = false;
  domain::ShippingAddress shipping_address;
};

// The Idempotency-Key of the request and the fingerprint of its method, route and body.
struct IdempotencyScope {
  std::string key;
  std::string fingerprint;
};

// A response as the API renders it; stored verbatim for idempotent replays.
struct Rendered {
  int status = 0;
  std::string body;
};
using OrderRenderer = std::function<Rendered(const domain::Order&)>;

struct PlaceOutcome {
  Rendered response;
  bool replayed = false;
};

struct OrderPage {
  std::vector<domain::Order> items;
  std::optional<std::string> next_cursor;  // sealed (shop::cursor); nullopt on the last page
};

struct ListQuery {
  std::optional<domain::OrderStatus> status;
  std::optional<std::string> cursor;  // as the client sent it
  int limit = 20;
};

class OrderService {
 public:
  explicit OrderService(Deps deps) : d_(deps) {}

  // Prices the lines from the catalog (never the client), validates, and writes the PENDING order,
  // its OrderCreated event, the emptied cart (from_cart) and the idempotency record in one
  // transaction. Errors: kInvalid (lines, address, unknown product, mixed currency, empty cart),
  // kConflict (key reused with another request), kUnavailable (catalog or database down).
  Result<PlaceOutcome> Place(const Actor& actor, const PlaceOrderCommand& cmd,
                             const std::optional<IdempotencyScope>& idem, const OrderRenderer& render,
                             const http::RequestContext& ctx);

  // kNotFound for an unknown order or another user's (unless admin).
  Result<domain::Order> Get(const Actor& actor, std::string_view id);
  // The coroutine twin for the I/O thread: on a database with an asynchronous client
  // (PostgreSQL) the read runs on its loop, no worker involved; otherwise on `blocking`.
  Task<Result<domain::Order>> GetAsync(Actor actor, std::string id, boost::asio::any_io_executor blocking);
  // Own orders (admins: all), newest first. kBadRequest for a forged cursor.
  Result<OrderPage> List(const Actor& actor, const ListQuery& query);

  // PENDING|RESERVED -> CANCELLED + OrderCancelled (owner or admin). kNotFound, kConflict.
  Result<domain::Order> Cancel(const Actor& actor, std::string_view id);
  // PAID -> SHIPPED + OrderShipped (admin). kForbidden, kNotFound, kConflict.
  Result<domain::Order> Ship(const Actor& actor, std::string_view id);
  // SHIPPED -> DELIVERED + OrderDelivered (admin).
  Result<domain::Order> Deliver(const Actor& actor, std::string_view id);

 private:
  Result<domain::Order> Fulfil(const Actor& actor, std::string_view id, domain::OrderStatus to);
  Result<std::vector<domain::PricedLine>> Price(const std::vector<domain::RequestedLine>& lines,
                                                const http::RequestContext& ctx);
  Deps d_;
};

}  // namespace shop::order::app
