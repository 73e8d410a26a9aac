// What the order-service use cases run on. All references outlive the services built from them.
#pragma once

#include "app/ports.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"

namespace shop::order::app {

inline constexpr std::string_view kConsumerName = "order-service";

struct Deps {
  db::Database& db;
  OrderRepository& orders;
  CartRepository& carts;
  CatalogClient& catalog;
  const Clock& clock;
};

}  // namespace shop::order::app
