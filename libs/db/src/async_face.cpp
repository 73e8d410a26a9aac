// The default coroutine face: the whole transaction on the caller's worker pool, through the
// blocking face. `fn` is a coroutine whose statements complete at once (they run on the blocking
// Tx), so it is driven to completion right there, on a per-thread io_context.
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <exception>
#include <optional>

#include "shop/db/database.hpp"

namespace shop::db {
namespace {

class BlockingAsyncTx final : public AsyncTx {
 public:
  explicit BlockingAsyncTx(Tx& tx) : tx_(tx) {}
  Task<Result<Rows>> Query(std::string_view sql, std::vector<Param> params) override {
    co_return tx_.Query(sql, std::move(params));
  }
  Task<Result<std::int64_t>> Exec(std::string_view sql, std::vector<Param> params) override {
    co_return tx_.Exec(sql, std::move(params));
  }
  Dialect dialect() const override { return tx_.dialect(); }

 private:
  Tx& tx_;
};

Task<void> Store(Task<Result<void>> task, std::optional<Result<void>>& out) { out.emplace(co_await std::move(task)); }

// Runs a coroutine to completion on this thread. Its awaits complete synchronously, so run()
// returns when it is done. (`fn` must await only its statements: awaiting a timer or a socket
// would hold this worker until it completes.)
Result<void> RunHere(Task<Result<void>> task) {
  thread_local boost::asio::io_context io(1);
  std::optional<Result<void>> out;
  std::exception_ptr failure;
  boost::asio::co_spawn(io, Store(std::move(task), out), [&failure](std::exception_ptr e) { failure = e; });
  io.restart();
  io.run();
  if (failure) std::rethrow_exception(failure);
  if (!out) return Error::Internal("a transaction coroutine awaited something other than its statements");
  return std::move(*out);
}

}  // namespace

Task<Result<std::optional<Row>>> AsyncTx::QueryOne(std::string_view sql, std::vector<Param> params) {
  auto rows = co_await Query(sql, std::move(params));
  if (!rows) co_return rows.error();
  if (rows->empty()) co_return std::optional<Row>{};
  co_return std::optional<Row>{std::move(rows->front())};
}

Task<Result<void>> Database::RunTxAsync(TxMode mode, AsyncTxFn fn, boost::asio::any_io_executor blocking) {
  Result<void> out = Ok();
  co_await async::RunOn(blocking, [&] {
    out = RunTx(mode, [&fn](Tx& tx) -> Result<void> {
      BlockingAsyncTx async_tx(tx);
      return RunHere(fn(async_tx));
    });
  });
  co_return out;
}

}  // namespace shop::db
