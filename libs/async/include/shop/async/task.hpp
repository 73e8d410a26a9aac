// Task<T>: the coroutine type of the platform (Boost 1.81 Asio awaitable), and the few helpers
// that move work between I/O threads and blocking worker pools.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <functional>

namespace shop {

template <class T>
using Task = boost::asio::awaitable<T>;

namespace async {

// Runs `fn` on `pool` (a blocking worker pool) and resumes the caller on its own executor.
// The I/O thread is free while `fn` runs: database, hashing and broker work go through here.
Task<void> RunOn(boost::asio::any_io_executor pool, std::function<void()> fn);

}  // namespace async
}  // namespace shop
