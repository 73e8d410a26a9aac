// InventoryService: stock levels and order reservations. Never oversells: a line is reserved by
// one conditional update (available >= qty), so concurrent reservations cannot both take the
// last unit; an order reserves all of its lines or none in one write transaction.
//
// The *InTx methods run inside the caller's transaction (the event consumers add their inbox
// record to it); the others open their own. Blocking; call from worker/consumer threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/ports.hpp"
#include "shop/core/time.hpp"

namespace shop::product {

struct InventoryOptions {
  std::int64_t reservation_ttl_ms = 15 * 60 * 1000;
};

class InventoryService {
 public:
  InventoryService(db::Database& db, Repositories repos, const Clock& clock, InventoryOptions options = {})
      : db_(db), repos_(repos), clock_(clock), options_(options) {}

  // kNotFound for an unknown or deleted product.
  Result<StockLevel> Get(std::string_view product_id);
  // kNotFound as Get; kConflict when on_hand < reserved; kInvalid when negative.
  Result<StockLevel> SetOnHand(std::string_view product_id, std::int64_t on_hand);

  // Reserves every line or none; appends InventoryReserved or InventoryReservationFailed.
  // An order that already has a reservation is not reserved again (outcome.duplicate).
  // Unknown or deleted products and non-positive quantities are shortages with available 0.
  Result<ReserveOutcome> ReserveInTx(db::Tx& tx, std::string_view order_id, const std::vector<OrderLine>& lines);
  Result<ReserveOutcome> Reserve(std::string_view order_id, const std::vector<OrderLine>& lines);

  // Returns held stock and appends InventoryReleased{reason}; no-op (false) when nothing is held.
  Result<bool> ReleaseInTx(db::Tx& tx, std::string_view order_id, std::string_view reason);
  // Held stock leaves on_hand and reserved; no-op (false) when nothing is held.
  Result<bool> CommitInTx(db::Tx& tx, std::string_view order_id);

  // Releases (reason "expired") every reservation whose TTL has passed, one transaction per
  // order. Returns how many orders were released.
  Result<int> SweepExpired(int batch = 100);

 private:
  db::Database& db_;
  Repositories repos_;
  const Clock& clock_;
  InventoryOptions options_;
};

}  // namespace shop::product
