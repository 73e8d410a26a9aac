// Ports of the order-service core, implemented in infra/ (SQL repositories, the HTTP catalog
// client) and by fakes in tests. Repositories run inside the caller's transaction (db::Tx), so a
// use case composes them with the outbox and the inbox in ONE db.Write.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/order.hpp"
#include "shop/core/error.hpp"
#include "shop/db/database.hpp"
#include "shop/http/message.hpp"

namespace shop::order::app {

// A product as the catalog shows it now.
struct CatalogProduct {
  std::string id;
  std::string sku;
  std::string name;
  std::int64_t price_cents = 0;
  std::string currency;
};

// The product-service catalog. Thread-safe; blocking (call from worker threads only).
class CatalogClient {
 public:
  virtual ~CatalogClient() = default;
  // nullopt: no such product (or deleted). kUnavailable when the catalog cannot be reached or
  // answers with something unusable. `ctx` carries the caller's request id and trace.
  virtual Result<std::optional<CatalogProduct>> Find(std::string_view product_id, const http::RequestContext& ctx) = 0;
};

struct OrderFilter {
  std::optional<std::string> user_id;             // nullopt: every user (admin)
  std::optional<domain::OrderStatus> status;
  std::optional<std::string> before_id;            // keyset: ids strictly below (newest first)
  int limit = 20;
};

class OrderRepository {
 public:
  virtual ~OrderRepository() = default;
  virtual Result<void> Insert(db::Tx& tx, const domain::Order& order) = 0;
  virtual Result<std::optional<domain::Order>> Find(db::Tx& tx, std::string_view id) = 0;
  // The coroutine twin of Find (GET /orders/{id}, the polled read): same SQL, same result.
  virtual Task<Result<std::optional<domain::Order>>> FindAsync(db::AsyncTx& tx, std::string_view id) = 0;
  // Writes the mutable fields (status, failure, payment, expiry, updated_at) if the stored status
  // is still `expected`; kConflict otherwise.
  virtual Result<void> Update(db::Tx& tx, const domain::Order& order, domain::OrderStatus expected) = 0;
  // Newest first (by id, UUIDv7), at most filter.limit rows.
  virtual Result<std::vector<domain::Order>> List(db::Tx& tx, const OrderFilter& filter) = 0;
  // Ids of orders in `status` created before `created_before`, oldest first.
  virtual Result<std::vector<std::string>> FindStale(db::Tx& tx, domain::OrderStatus status, UnixMillis created_before,
                                                     int limit) = 0;
};

struct CartLine {
  std::string product_id;
  std::int64_t quantity = 0;
  UnixMillis updated_at = 0;
};

class CartRepository {
 public:
  virtual ~CartRepository() = default;
  // Oldest first (by updated_at, then product id).
  virtual Result<std::vector<CartLine>> Lines(db::Tx& tx, std::string_view user_id) = 0;
  virtual Result<void> Put(db::Tx& tx, std::string_view user_id, std::string_view product_id, std::int64_t quantity,
                           UnixMillis now) = 0;
  // True when a line was removed.
  virtual Result<bool> Remove(db::Tx& tx, std::string_view user_id, std::string_view product_id) = 0;
  virtual Result<void> Clear(db::Tx& tx, std::string_view user_id) = 0;
};

// Who is asking (from the verified access token).
struct Actor {
  std::string user_id;
  bool is_admin = false;
};

}  // namespace shop::order::app
