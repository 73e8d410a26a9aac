#include "domain/order.hpp"

#include <unordered_map>

namespace shop::order::domain {

Result<std::vector<RequestedLine>> MergeLines(const std::vector<RequestedLine>& lines) {
  if (lines.empty()) return Error::Invalid("items", "must contain at least one item");
  std::vector<RequestedLine> merged;
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto& in = lines[i];
    const std::string field = "items[" + std::to_string(i) + "].quantity";
    if (in.quantity < kMinQuantity || in.quantity > kMaxQuantity) {
      return Error::Invalid(field, "must be between 1 and 100");
    }
    auto [it, fresh] = index.try_emplace(in.product_id, merged.size());
    if (fresh) {
      merged.push_back(in);
      continue;
    }
    auto& line = merged[it->second];
    line.quantity += in.quantity;
    if (line.quantity > kMaxQuantity) {
      return Error::Invalid(field, "the total quantity of one product must be at most 100");
    }
  }
  if (merged.size() > kMaxLines) return Error::Invalid("items", "must contain at most 50 distinct products");
  return merged;
}

Result<std::int64_t> ComputeTotal(const std::vector<OrderLine>& lines) {
  std::int64_t total = 0;
  for (const auto& l : lines) {
    if (l.unit_price_cents < 0) return Error::Invalid("items", "a catalog price is negative");
    std::int64_t line_total = 0;
    if (__builtin_mul_overflow(l.unit_price_cents, l.quantity, &line_total) ||
        __builtin_add_overflow(total, line_total, &total)) {
      return Error::Invalid("items", "the order total is too large");
    }
  }
  return total;
}

Result<Order> Order::Create(std::string id, std::string user_id, std::vector<PricedLine> lines,
                            ShippingAddress address, UnixMillis now) {
  if (lines.empty()) return Error::Invalid("items", "must contain at least one item");
  if (lines.size() > kMaxLines) return Error::Invalid("items", "must contain at most 50 distinct products");
  Order o;
  o.currency = lines.front().currency;
  for (auto& pl : lines) {
    if (pl.currency != o.currency) {
      return Error::Invalid("items", "all products of one order must be priced in the same currency");
    }
    if (pl.line.quantity < kMinQuantity || pl.line.quantity > kMaxQuantity) {
      return Error::Invalid("items", "quantities must be between 1 and 100");
    }
    o.items.push_back(std::move(pl.line));
  }
  auto total = ComputeTotal(o.items);
  if (!total) return total.error();
  o.id = std::move(id);
  o.user_id = std::move(user_id);
  o.status = OrderStatus::kPending;
  o.total_cents = *total;
  o.shipping_address = std::move(address);
  o.created_at = now;
  o.updated_at = now;
  return o;
}

Result<void> Order::MoveTo(OrderStatus next, UnixMillis now) {
  if (auto ok = CheckTransition(status, next); !ok) return ok.error();
  status = next;
  updated_at = now;
  return Ok();
}

}  // namespace shop::order::domain
