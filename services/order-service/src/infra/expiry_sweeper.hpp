// ExpirySweeper: one background thread that, every `interval_ms`, cancels stale unpaid orders
// (app::Saga::ExpireStale) and, about hourly, purges expired idempotency keys. Start() starts the
// thread, Stop() wakes and joins it (idempotent; also done by the destructor). SweepOnce() runs one
// round on the caller's thread (tests).
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/saga.hpp"

namespace shop::order::infra {

class ExpirySweeper {
 public:
  ExpirySweeper(app::Saga& saga, db::Database& db, const Clock& clock, int interval_ms);
  ~ExpirySweeper();
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

  void Start();
  void Stop();
  // Returns the number of orders cancelled.
  Result<int> SweepOnce();

 private:
  void Loop();
  app::Saga& saga_;
  db::Database& db_;
  const Clock& clock_;
  int interval_ms_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
  UnixMillis last_purge_ = 0;
};

}  // namespace shop::order::infra
