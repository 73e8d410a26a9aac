// Inventory: stock per product and reservations of stock for orders. Pure types.
//   available = on_hand - reserved; 0 <= reserved <= on_hand always holds (the database checks it).
// A reservation line is held -> committed (paid) | released (cancelled or expired).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/time.hpp"

namespace shop::product {

struct StockLevel {
  std::string product_id;
  std::int64_t on_hand = 0;
  std::int64_t reserved = 0;
  std::int64_t available() const { return on_hand - reserved; }
};

struct OrderLine {
  std::string product_id;
  std::int64_t quantity = 0;
};

struct Shortage {
  std::string product_id;
  std::int64_t requested = 0;
  std::int64_t available = 0;
};

enum class ReservationStatus { kHeld, kCommitted, kReleased };
std::string_view ToString(ReservationStatus s);

struct ReservationLine {
  std::string order_id;
  std::string product_id;
  std::int64_t quantity = 0;
  ReservationStatus status = ReservationStatus::kHeld;
  UnixMillis expires_at = 0;
};

// The outcome of reserving an order: either every line is held until expires_at, or nothing is
// and `shortages` says which lines were short.
struct ReserveOutcome {
  bool reserved = false;
  bool duplicate = false;  // the order already had a reservation: nothing was done
  UnixMillis expires_at = 0;
  std::vector<Shortage> shortages;
};

// Sums the quantities of lines naming the same product, keeping first-seen order.
std::vector<OrderLine> MergeLines(const std::vector<OrderLine>& lines);

}  // namespace shop::product
