// The PostgreSQL Database: transactions over the pool, commit failpoints and listeners. Owns the
// loop on which all of its connections do their I/O.
// Private to libs/pg (MigrateWithLock needs the dedicated-connection hook).
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "pg_pool.hpp"
#include "shop/db/database.hpp"

namespace shop::db::pgdetail {

class PgDatabase final : public Database {
 public:
  PgDatabase(ConnectParams params, int pool_size, std::chrono::milliseconds acquire_timeout)
      : pool_(loop_, std::move(params), pool_size, acquire_timeout) {}

  Dialect dialect() const override { return Dialect::kPostgres; }
  bool Ping() override;
  Result<void> ExecScript(std::string_view sql) override;
  void OnCommit(std::function<void()> listener) override;
  Result<void> RunTx(TxMode mode, const std::function<Result<void>(Tx&)>& fn) override;
  // Native: the transaction runs on the loop, awaiting a pooled connection without blocking.
  Task<Result<void>> RunTxAsync(TxMode mode, AsyncTxFn fn, boost::asio::any_io_executor blocking) override;
  bool native_async() const override { return true; }
  void Quiesce(std::chrono::milliseconds grace) override;

  Pool& pool() { return pool_; }

 private:
  void NotifyCommitted();
  Task<Result<void>> TxOnLoop(TxMode mode, AsyncTxFn fn);
  bool WaitIdle(std::chrono::milliseconds timeout);

  std::mutex in_flight_mu_;
  std::condition_variable in_flight_cv_;
  int in_flight_ = 0;  // coroutine transactions running on the loop

  Loop loop_;  // before pool_: connections close on it
  Pool pool_;
  std::mutex listeners_mu_;
  std::shared_ptr<const std::vector<std::function<void()>>> listeners_;
};

}  // namespace shop::db::pgdetail
