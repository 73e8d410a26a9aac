// RunOn: hop to a worker pool and back.
//
// `co_await post(pool, use_awaitable)` would NOT move the coroutine to the pool: post() completes
// through the handler's associated executor, which for use_awaitable is the coroutine's own
// executor. So the work is posted explicitly and the completion is posted back to the caller.
#include "shop/async/task.hpp"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <exception>

namespace shop::async {

Task<void> RunOn(boost::asio::any_io_executor pool, std::function<void()> fn) {
  std::exception_ptr failure;
  co_await boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void()>(
      [&pool, &fn, &failure](auto handler) {
        // fn and failure live in this coroutine's frame, which stays suspended until `handler` runs.
        boost::asio::post(pool, [&fn, &failure, handler = std::move(handler)]() mutable {
          try {
            fn();
          } catch (...) {
            failure = std::current_exception();
          }
          auto home = boost::asio::get_associated_executor(handler);
          boost::asio::post(home, std::move(handler));
        });
      },
      boost::asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace shop::async
