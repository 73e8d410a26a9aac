// CartService: one cart per user (product id -> quantity). Reads show current catalog names and
// prices; the cart itself stores only ids and quantities. Thread-safe; blocking.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/deps.hpp"

namespace shop::order::app {

inline constexpr std::size_t kMaxCartLines = 50;

struct CartView {
  struct Item {
    std::string product_id;
    std::int64_t quantity = 0;
    std::string name;
    std::int64_t unit_price_cents = 0;
    std::int64_t line_total_cents = 0;
    std::string currency;
  };
  std::vector<Item> items;
  // Sum over items; nullopt (with currency nullopt) when the items have different currencies.
  std::optional<std::int64_t> total_cents;
  std::optional<std::string> currency;
  std::vector<std::string> unavailable;  // products in the cart that the catalog no longer has
};

class CartService {
 public:
  explicit CartService(Deps deps) : d_(deps) {}

  // The cart priced with current catalog data. kUnavailable when the catalog is down.
  Result<CartView> Get(std::string_view user_id, const http::RequestContext& ctx);
  // Sets a line's quantity (0 removes it). kInvalid: quantity outside 0..100, an unknown or deleted
  // product, or more than kMaxCartLines products. kUnavailable: catalog down.
  Result<void> Set(std::string_view user_id, std::string_view product_id, std::int64_t quantity,
                   const http::RequestContext& ctx);
  // Removes a line (no error when absent).
  Result<void> Remove(std::string_view user_id, std::string_view product_id);

 private:
  Deps d_;
};

}  // namespace shop::order::app
