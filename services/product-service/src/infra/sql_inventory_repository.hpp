// InventoryRepository over shop::db: portable SQL only. Reservation is one conditional UPDATE per
// line (no read-then-write), so it is correct under any concurrency on both drivers.
// Stateless; thread-safe.
#pragma once

#include "app/ports.hpp"

namespace shop::product::infra {

class SqlInventoryRepository final : public InventoryRepository {
 public:
  Result<void> Create(db::Tx& tx, std::string_view product_id, std::int64_t on_hand, UnixMillis now) override;
  Result<std::optional<StockLevel>> Get(db::Tx& tx, std::string_view product_id) override;
  Result<bool> SetOnHand(db::Tx& tx, std::string_view product_id, std::int64_t on_hand, UnixMillis now) override;
  Result<bool> TryReserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) override;
  Result<void> Unreserve(db::Tx& tx, std::string_view product_id, std::int64_t qty) override;
  Result<void> Consume(db::Tx& tx, std::string_view product_id, std::int64_t qty) override;
  Result<std::int64_t> Available(db::Tx& tx, std::string_view product_id) override;
  Result<bool> HasReservation(db::Tx& tx, std::string_view order_id) override;
  Result<void> InsertReservation(db::Tx& tx, const ReservationLine& line, UnixMillis now) override;
  Result<std::vector<ReservationLine>> HeldLines(db::Tx& tx, std::string_view order_id) override;
  Result<bool> Finish(db::Tx& tx, std::string_view order_id, std::string_view product_id,
                      ReservationStatus to) override;
  Result<std::vector<std::string>> ExpiredOrders(db::Tx& tx, UnixMillis now, int limit) override;
};

}  // namespace shop::product::infra
