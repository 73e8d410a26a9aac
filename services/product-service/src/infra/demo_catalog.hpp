// The demo catalog: a deterministic set of realistic products (8 categories, 320 products, each
// with stock) so a newcomer has something to browse. Loaded only into an empty store, in one
// transaction, with a ProductCreated event per product.
#pragma once

#include "shop/core/time.hpp"
#include "shop/db/database.hpp"

namespace shop::product {

// Returns the number of products loaded: 0 when the store already has products.
Result<int> LoadDemoCatalog(db::Database& db, const Clock& clock);

}  // namespace shop::product
