// Test-only: a real Server on an ephemeral port with a small application:
//   /echo   -> 200, body = request body, X-Method = method, X-Target = target
//   /slow   -> waits 300 ms on a steady_timer, then 200 "done"
//   /close  -> 200 with Connection: close
//   /throw  -> the handler throws
//   /big    -> 200 with a 32 MiB body (more than socket buffers hold)
//   /headers -> 200, body = the request's header fields, one "name: value\n" per line
//   other   -> 200 "hello"
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <stdexcept>

#include "shop/http/server.hpp"

namespace shop::http::test {

inline Task<Response> SlowResponse() {
  boost::asio::steady_timer timer(co_await boost::asio::this_coro::executor, std::chrono::milliseconds(300));
  co_await timer.async_wait(boost::asio::use_awaitable);
  co_return Response::Text(200, "done");
}

inline Task<Response> TestApp(Request& req) {
  if (req.path == "/slow") co_return co_await SlowResponse();
  if (req.path == "/throw") throw std::runtime_error("boom");
  if (req.path == "/echo") {
    auto res = Response::Text(200, req.body);
    res.headers.Set("X-Method", req.method_name);
    res.headers.Set("X-Target", req.target);
    co_return res;
  }
  if (req.path == "/big") co_return Response::Text(200, std::string(32 * 1024 * 1024, 'b'));
  if (req.path == "/headers") {
    std::string lines;
    for (const auto& [name, value] : req.headers) lines += name + ": " + value + "\n";
    co_return Response::Text(200, lines);
  }
  if (req.path == "/close") {
    auto res = Response::Text(200, "bye");
    res.headers.Set("Connection", "close");
    co_return res;
  }
  co_return Response::Text(200, "hello");
}

inline ServerOptions TestOptions() {
  ServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  o.body_limit = 1024;
  o.read_timeout = std::chrono::milliseconds(2'000);
  o.idle_timeout = std::chrono::milliseconds(2'000);
  o.drain_timeout = std::chrono::milliseconds(2'000);
  return o;
}

// Starts in the constructor; stops in the destructor.
class TestServer {
 public:
  explicit TestServer(ServerOptions options = TestOptions()) : server_(std::move(options), &TestApp) {
    auto started = server_.Start();
    EXPECT_TRUE(started) << (started ? "" : started.error().detail);
  }
  Server& operator*() { return server_; }
  Server* operator->() { return &server_; }
  std::uint16_t port() const { return server_.port(); }

 private:
  Server server_;
};

}  // namespace shop::http::test
