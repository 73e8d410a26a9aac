// Ports of the product-service core, implemented in infra/ with SQL. Every method runs inside the
// caller's transaction (db::Tx, or db::AsyncTx for the coroutine twins), so a use case composes
// several of them atomically.
// Errors: kConflict for a duplicate live SKU; kUnavailable/kInternal from the database.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "domain/inventory.hpp"
#include "domain/listing.hpp"
#include "domain/product.hpp"
#include "shop/db/database.hpp"

namespace shop::product {

class ProductRepository {
 public:
  virtual ~ProductRepository() = default;
  virtual Result<void> Insert(db::Tx& tx, const Product& p) = 0;
  // Writes every field, `version`, `deleted` and `updated_at` of an existing product.
  virtual Result<void> Update(db::Tx& tx, const Product& p) = 0;
  // A live (not deleted) product with its stock_available; nullopt when unknown or deleted.
  virtual Result<std::optional<Product>> Find(db::Tx& tx, std::string_view id) = 0;
  // Up to q.limit + 1 live products after q.after in q.sort order (the extra one tells the
  // caller another page exists).
  virtual Result<std::vector<Product>> List(db::Tx& tx, const ListQuery& q) = 0;
  virtual Result<std::vector<CategoryCount>> Categories(db::Tx& tx) = 0;
  virtual Result<std::int64_t> CountLive(db::Tx& tx) = 0;

  // Coroutine twins of the two public catalog reads (the hot paths), for db::AsyncTx: the same
  // SQL and the same results as Find and List.
  virtual Task<Result<std::optional<Product>>> FindAsync(db::AsyncTx& tx, std::string_view id) = 0;
  virtual Task<Result<std::vector<Product>>> ListAsync(db::AsyncTx& tx, const ListQuery& q) = 0;
};

class InventoryRepository {
 public:
  virtual ~InventoryRepository() = default;
  virtual Result<void> Create(db::Tx& tx, std::string_view product_id, std::int64_t on_hand, UnixMillis now) = 0;
  // Stock of a live product; nullopt when the product is unknown or deleted.
  virtual Result<std::optional<StockLevel>> Get(db::Tx& tx, std::string_view product_id) = 0;
  // Sets on_hand unless it would fall below reserved; false when refused.
  virtual Result<bool> SetOnHand(db::Tx& tx, std::string_view product_id, std::int64_t on_hand, UnixMillis now) = 0;
  // One conditional update: reserved += qty when the product is live and available >= qty.
  virtual Result<bool> TryReserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) = 0;
  virtual Result<void> Unreserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) = 0;
  // on_hand -= qty and reserved -= qty (a paid reservation leaves the warehouse).
  virtual Result<void> Consume(db::Tx& tx, std::string_view product_id, std::int64_t qty) = 0;
  // available of a live product, 0 when unknown or deleted.
  virtual Result<std::int64_t> Available(db::Tx& tx, std::string_view product_id) = 0;

  virtual Result<bool> HasReservation(db::Tx& tx, std::string_view order_id) = 0;
  virtual Result<void> InsertReservation(db::Tx& tx, const ReservationLine& line, UnixMillis now) = 0;
  virtual Result<std::vector<ReservationLine>> HeldLines(db::Tx& tx, std::string_view order_id) = 0;
  // held -> `to` for one line; false when the line was not held (already final).
  virtual Result<bool> Finish(db::Tx& tx, std::string_view order_id, std::string_view product_id,
                              ReservationStatus to) = 0;
  // Orders with a held line whose expires_at <= now, oldest first.
  virtual Result<std::vector<std::string>> ExpiredOrders(db::Tx& tx, UnixMillis now, int limit) = 0;
};

struct Repositories {
  ProductRepository& products;
  InventoryRepository& inventory;
};

}  // namespace shop::product
