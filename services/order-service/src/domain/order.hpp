// Order: the aggregate of the order-service. Lines carry the catalog's sku, name and price as they
// were when the order was placed (never the client's). Money is int64 minor units of one currency.
// No I/O; not thread-safe (one transaction owns an Order at a time).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/address.hpp"
#include "domain/order_status.hpp"
#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::order::domain {

inline constexpr int kMinQuantity = 1;
inline constexpr int kMaxQuantity = 100;
inline constexpr std::size_t kMaxLines = 50;

// What a customer asks for: a product and a quantity.
struct RequestedLine {
  std::string product_id;
  std::int64_t quantity = 0;
};

// A line priced from the catalog.
struct OrderLine {
  std::string product_id;
  std::string sku;
  std::string name;
  std::int64_t unit_price_cents = 0;
  std::int64_t quantity = 0;
};

struct PricedLine {
  OrderLine line;
  std::string currency;
};

// Sums duplicate product lines, keeping first-seen order. kInvalid when the list is empty, longer
// than kMaxLines (after merging), or a (merged) quantity is outside 1..kMaxQuantity; the field is
// "items[i].quantity" of the offending input line.
Result<std::vector<RequestedLine>> MergeLines(const std::vector<RequestedLine>& lines);

// Sum of unit_price_cents * quantity; kInvalid on int64 overflow or a negative price.
Result<std::int64_t> ComputeTotal(const std::vector<OrderLine>& lines);

struct Order {
  std::string id;
  std::string user_id;
  OrderStatus status = OrderStatus::kPending;
  std::vector<OrderLine> items;
  std::int64_t total_cents = 0;
  std::string currency;
  ShippingAddress shipping_address;
  std::optional<std::string> failure_reason;  // REJECTED: "out_of_stock"
  std::optional<std::string> failure_detail;
  std::optional<std::string> payment_id;      // the payment that paid it
  std::optional<std::string> last_payment_error;
  std::optional<UnixMillis> reservation_expires_at;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;

  // A new PENDING order. kInvalid when there are no lines, currencies differ, or the total overflows.
  static Result<Order> Create(std::string id, std::string user_id, std::vector<PricedLine> lines,
                              ShippingAddress address, UnixMillis now);

  // Moves to `next` (CheckTransition) and stamps updated_at. kConflict naming the current status.
  Result<void> MoveTo(OrderStatus next, UnixMillis now);
};

}  // namespace shop::order::domain
