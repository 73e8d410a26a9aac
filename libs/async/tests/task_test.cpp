#include "shop/async/task.hpp"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include <stdexcept>
#include <thread>

namespace shop::async {
namespace {

template <class T>
T Await(boost::asio::io_context& io, Task<T> task) {
  auto fut = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
  io.run();
  return fut.get();
}

struct Threads {
  std::thread::id work;
  std::thread::id after;
};

Task<Threads> HopAndBack(boost::asio::thread_pool& pool) {
  Threads t;
  co_await RunOn(pool.get_executor(), [&] { t.work = std::this_thread::get_id(); });
  t.after = std::this_thread::get_id();
  co_return t;
}

Task<void> Throwing(boost::asio::thread_pool& pool) {
  co_await RunOn(pool.get_executor(), [] { throw std::runtime_error("from the pool"); });
}

TEST(RunOnTest, RunsTheWorkOnThePoolAndResumesOnTheCaller) {
  boost::asio::thread_pool pool(2);
  boost::asio::io_context io;
  const auto t = Await(io, HopAndBack(pool));
  EXPECT_NE(t.work, std::this_thread::get_id());
  EXPECT_EQ(t.after, std::this_thread::get_id());  // io.run() runs on this thread
}

TEST(RunOnTest, PropagatesTheExceptionToTheCaller) {
  boost::asio::thread_pool pool(1);
  boost::asio::io_context io;
  EXPECT_THROW(Await(io, Throwing(pool)), std::runtime_error);
}

}  // namespace
}  // namespace shop::async
