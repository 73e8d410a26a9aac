#include "shop/async/task.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace shop::async {

Task<void> RunOn(boost::asio::any_io_executor pool, std::function<void()> fn) {
  auto home = co_await boost::asio::this_coro::executor;
  co_await boost::asio::post(pool, boost::asio::use_awaitable);
  std::exception_ptr failure;
  try {
    fn();
  } catch (...) {
    failure = std::current_exception();
  }
  co_await boost::asio::post(home, boost::asio::use_awaitable);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace shop::async
