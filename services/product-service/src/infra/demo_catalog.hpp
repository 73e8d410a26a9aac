// The demo catalog: a deterministic (same content on every run; ids are fresh) set of realistic products (8 categories,
// 320 products, each with stock) so a newcomer has something to browse. Loaded only into an empty store, in one
// transaction, with a ProductCreated event per product.
#pragma once

#include "shop/core/time.hpp"
#include "shop/db/database.hpp"

namespace shop::product {

inline constexpr int kDemoCatalogSize = 320;

// Returns the number of products loaded: 0 when the store already has products.
Result<int> LoadDemoCatalog(db::Database& db, const Clock& clock);
// The same generator for `count` products (benchmarks load 100,000); past 320 the templates repeat
// as later generations with distinct SKUs and names.
Result<int> LoadDemoCatalog(db::Database& db, const Clock& clock, int count);

}  // namespace shop::product
