#include "app/inventory_service.hpp"

#include "app/product_events.hpp"

namespace shop::product {

Result<StockLevel> InventoryService::Get(std::string_view product_id) {
  auto s = db_.Read([&](db::Tx& tx) { return repos_.inventory.Get(tx, product_id); });
  if (!s) return s.error();
  if (!*s) return Error::NotFound("product not found");
  return std::move(**s);
}

Result<StockLevel> InventoryService::SetOnHand(std::string_view product_id, std::int64_t on_hand) {
  if (on_hand < 0) return Error::Invalid("on_hand", "must be a non-negative integer");
  return db_.Write([&](db::Tx& tx) -> Result<StockLevel> {
    auto s = repos_.inventory.Get(tx, product_id);
    if (!s) return s.error();
    if (!*s) return Error::NotFound("product not found");
    auto set = repos_.inventory.SetOnHand(tx, product_id, on_hand, clock_.NowMs());
    if (!set) return set.error();
    if (!*set) return Error::Conflict("on_hand cannot be set below the reserved quantity");
    StockLevel out = std::move(**s);
    out.on_hand = on_hand;
    return out;
  });
}

Result<ReserveOutcome> InventoryService::ReserveInTx(db::Tx& tx, std::string_view order_id,
                                                     const std::vector<OrderLine>& lines) {
  ReserveOutcome out;
  auto has = repos_.inventory.HasReservation(tx, order_id);
  if (!has) return has.error();
  if (*has) {
    out.duplicate = true;
    return out;
  }
  const auto merged = MergeLines(lines);
  std::vector<OrderLine> taken;
  for (const auto& line : merged) {
    if (line.quantity <= 0) {
      out.shortages.push_back({line.product_id, line.quantity, 0});
      continue;
    }
    auto ok = repos_.inventory.TryReserve(tx, line.product_id, line.quantity);
    if (!ok) return ok.error();
    if (*ok) {
      taken.push_back(line);
      continue;
    }
    auto avail = repos_.inventory.Available(tx, line.product_id);
    if (!avail) return avail.error();
    out.shortages.push_back({line.product_id, line.quantity, *avail});
  }
  if (merged.empty() || !out.shortages.empty()) {
    // All or nothing: give back what this order took (we still hold the write transaction).
    for (const auto& line : taken) {
      if (auto r = repos_.inventory.Unreserve(tx, line.product_id, line.quantity); !r) return r.error();
    }
    if (auto r = AppendReservationFailed(tx, order_id, out.shortages, clock_); !r) return r.error();
    return out;
  }
  const UnixMillis now = clock_.NowMs();
  out.reserved = true;
  out.expires_at = now + options_.reservation_ttl_ms;
  for (const auto& line : taken) {
    ReservationLine r{std::string(order_id), line.product_id, line.quantity, ReservationStatus::kHeld, out.expires_at};
    if (auto ins = repos_.inventory.InsertReservation(tx, r, now); !ins) return ins.error();
  }
  if (auto r = AppendReserved(tx, order_id, out.expires_at, clock_); !r) return r.error();
  return out;
}

Result<ReserveOutcome> InventoryService::Reserve(std::string_view order_id, const std::vector<OrderLine>& lines) {
  return db_.Write([&](db::Tx& tx) { return ReserveInTx(tx, order_id, lines); });
}

Result<bool> InventoryService::ReleaseInTx(db::Tx& tx, std::string_view order_id, std::string_view reason) {
  auto held = repos_.inventory.HeldLines(tx, order_id);
  if (!held) return held.error();
  bool any = false;
  for (const auto& line : *held) {
    auto fin = repos_.inventory.Finish(tx, order_id, line.product_id, ReservationStatus::kReleased);
    if (!fin) return fin.error();
    if (!*fin) continue;
    if (auto r = repos_.inventory.Unreserve(tx, line.product_id, line.quantity); !r) return r.error();
    any = true;
  }
  if (!any) return false;
  if (auto r = AppendReleased(tx, order_id, reason, clock_); !r) return r.error();
  return true;
}

Result<bool> InventoryService::CommitInTx(db::Tx& tx, std::string_view order_id) {
  auto held = repos_.inventory.HeldLines(tx, order_id);
  if (!held) return held.error();
  bool any = false;
  for (const auto& line : *held) {
    auto fin = repos_.inventory.Finish(tx, order_id, line.product_id, ReservationStatus::kCommitted);
    if (!fin) return fin.error();
    if (!*fin) continue;
    if (auto r = repos_.inventory.Consume(tx, line.product_id, line.quantity); !r) return r.error();
    any = true;
  }
  return any;
}

Result<int> InventoryService::SweepExpired(int batch) {
  auto orders = db_.Read([&](db::Tx& tx) { return repos_.inventory.ExpiredOrders(tx, clock_.NowMs(), batch); });
  if (!orders) return orders.error();
  int released = 0;
  for (const auto& order_id : *orders) {
    // Re-checked inside the write transaction: a payment may have committed it meanwhile.
    auto r = db_.Write([&](db::Tx& tx) -> Result<bool> {
      auto held = repos_.inventory.HeldLines(tx, order_id);
      if (!held) return held.error();
      const UnixMillis now = clock_.NowMs();
      for (const auto& line : *held) {
        if (line.expires_at > now) return false;
      }
      return ReleaseInTx(tx, order_id, "expired");
    });
    if (!r) return r.error();
    if (*r) ++released;
  }
  return released;
}

}  // namespace shop::product
