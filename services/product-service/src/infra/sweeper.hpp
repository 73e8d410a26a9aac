// ReservationSweeper: a background thread that releases expired reservations every `interval_ms`
// (InventoryService::SweepExpired). Start() once; Stop() wakes and joins it (idempotent).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/inventory_service.hpp"

namespace shop::product::infra {

class ReservationSweeper {
 public:
  ReservationSweeper(InventoryService& inventory, int interval_ms) : inventory_(inventory), interval_ms_(interval_ms) {}
  ~ReservationSweeper() { Stop(); }
  ReservationSweeper(const ReservationSweeper&) = delete;
  ReservationSweeper& operator=(const ReservationSweeper&) = delete;

  void Start();
  void Stop();

 private:
  void Loop();
  InventoryService& inventory_;
  int interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace shop::product::infra
