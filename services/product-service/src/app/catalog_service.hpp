// CatalogService: the product use cases. Every change and its ProductCreated/ProductUpdated event
// commit in one write transaction. The plain methods block: call them from worker threads only;
// the *Async reads may be awaited anywhere. Thread-safe.
//
// Errors: kInvalid (field rules), kConflict (duplicate live SKU), kNotFound (unknown or deleted
// product), kBadRequest (forged cursor), kUnavailable (database).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "shop/core/time.hpp"

namespace shop::product {

class CatalogService {
 public:
  CatalogService(db::Database& db, Repositories repos, const Clock& clock) : db_(db), repos_(repos), clock_(clock) {}

  // New product with on_hand 0.
  Result<Product> Create(ProductFields fields);
  Result<Product> Replace(std::string_view id, ProductFields fields);
  Result<Product> Patch(std::string_view id, const ProductPatch& patch);
  Result<void> Delete(std::string_view id);

  Result<Product> Get(std::string_view id);
  // `cursor` is the sealed token of the previous page, if any.
  Result<ProductPage> List(ListQuery q, const std::optional<std::string>& cursor);
  Result<std::vector<CategoryCount>> Categories();

  // Coroutine twins of Get and List for handlers on an I/O thread: they never block it. With a
  // database that has an asynchronous client (PostgreSQL) the read runs on the database's loop
  // (ProductRepository::FindAsync/ListAsync) and no worker thread is involved; otherwise the read
  // runs on `blocking` (the module's worker pool).
  Task<Result<Product>> GetAsync(std::string id, boost::asio::any_io_executor blocking);
  Task<Result<ProductPage>> ListAsync(ListQuery q, std::optional<std::string> cursor,
                                      boost::asio::any_io_executor blocking);

 private:
  Result<Product> Save(std::string_view id, const std::function<void(ProductFields&)>& change);

  db::Database& db_;
  Repositories repos_;
  const Clock& clock_;
};

}  // namespace shop::product
