#include "app/cart_service.hpp"

#include <algorithm>

#include "domain/order.hpp"

namespace shop::order::app {

Result<CartView> CartService::Get(std::string_view user_id, const http::RequestContext& ctx) {
  auto lines = d_.db.Read([&](db::Tx& tx) { return d_.carts.Lines(tx, user_id); });
  if (!lines) return lines.error();
  CartView view;
  std::int64_t total = 0;
  bool overflow = false;
  for (const auto& line : *lines) {
    auto product = d_.catalog.Find(line.product_id, ctx);
    if (!product) return product.error();
    if (!*product) {
      view.unavailable.push_back(line.product_id);
      continue;
    }
    const auto& p = **product;
    CartView::Item item{line.product_id, line.quantity, p.name, p.price_cents, 0, p.currency};
    overflow |= __builtin_mul_overflow(p.price_cents, line.quantity, &item.line_total_cents);
    overflow |= __builtin_add_overflow(total, item.line_total_cents, &total);
    view.items.push_back(std::move(item));
  }
  const bool mixed = std::any_of(view.items.begin(), view.items.end(), [&](const CartView::Item& i) {
    return i.currency != view.items.front().currency;
  });
  if (overflow) return Error::Invalid("cart", "the cart total is too large");
  if (!mixed) {
    view.total_cents = total;
    view.currency = view.items.empty() ? "USD" : view.items.front().currency;
  }
  return view;
}

Result<void> CartService::Set(std::string_view user_id, std::string_view product_id, std::int64_t quantity,
                              const http::RequestContext& ctx) {
  if (quantity < 0 || quantity > domain::kMaxQuantity) return Error::Invalid("quantity", "must be between 0 and 100");
  if (quantity == 0) return Remove(user_id, product_id);
  auto product = d_.catalog.Find(product_id, ctx);
  if (!product) return product.error();
  if (!*product) return Error::Invalid("product_id", "unknown product");
  return d_.db.Write([&](db::Tx& tx) -> Result<void> {
    auto lines = d_.carts.Lines(tx, user_id);
    if (!lines) return lines.error();
    const bool present = std::any_of(lines->begin(), lines->end(),
                                     [&](const CartLine& l) { return l.product_id == product_id; });
    if (!present && lines->size() >= kMaxCartLines) {
      return Error::Invalid("product_id", "a cart holds at most 50 different products");
    }
    return d_.carts.Put(tx, user_id, product_id, quantity, d_.clock.NowMs());
  });
}

Result<void> CartService::Remove(std::string_view user_id, std::string_view product_id) {
  return d_.db.Write([&](db::Tx& tx) -> Result<void> {
    auto removed = d_.carts.Remove(tx, user_id, product_id);
    if (!removed) return removed.error();
    return Ok();
  });
}

}  // namespace shop::order::app
