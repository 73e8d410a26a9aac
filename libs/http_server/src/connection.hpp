// Private to libs/http_server: the state one accepted connection shares between its session
// coroutine (session.cpp, the only Beast TU) and the server's lifecycle code (server.cpp).
//
// A Connection lives on the io_context that accepted it and is touched only from that thread, so
// nothing here is locked. Deadlines are our own timer rather than beast::tcp_stream's: a timeout
// cancels the pending socket operation but leaves the socket open, so the session can still answer
// 408 before closing.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>

#include "shop/http/server.hpp"

namespace shop::http::detail {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Where a session is in its request cycle; Stop() closes kIdle connections at once and lets the
// others finish their request.
enum class Phase : std::uint8_t { kIdle, kReading, kHandling, kWriting, kClosing };

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : socket_(std::move(socket)), timer_(socket_.get_executor()) {}

  tcp::socket& socket() { return socket_; }

  // After `d`, cancels the pending socket operation and marks the connection timed out. Re-arming
  // replaces the previous deadline; a stale expiry (already queued when re-armed) is ignored.
  void Arm(std::chrono::steady_clock::duration d) {
    ++generation_;
    timed_out_ = false;
    timer_.expires_after(d);
    timer_.async_wait([weak = weak_from_this(), gen = generation_](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || gen != self->generation_) return;
      self->timed_out_ = true;
      boost::system::error_code ignored;
      self->socket_.cancel(ignored);
    });
  }
  void Disarm() {
    ++generation_;
    timer_.cancel();
  }
  bool timed_out() const { return timed_out_; }

  // Ends the session: cancels whatever it is waiting for on the socket (graceful stop, drain end).
  void Kill() {
    killed_ = true;
    boost::system::error_code ignored;
    socket_.cancel(ignored);
  }
  bool killed() const { return killed_; }

  Phase phase = Phase::kIdle;

 private:
  tcp::socket socket_;
  net::steady_timer timer_;
  std::uint64_t generation_ = 0;
  bool timed_out_ = false;
  bool killed_ = false;
};

// Connections of one io_context (touched only from its thread).
using Registry = std::unordered_set<Connection*>;

// What every session shares with the server; owned by Server::Impl, outlives every session.
struct ServerState {
  ServerOptions options;
  Handler app;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active_requests{0};
  std::atomic<std::size_t> open_connections{0};
};

// Serves one connection until it closes: keep-alive loop, limits, deadlines, smuggling checks.
// Registers itself in `registry` for its lifetime. Never throws.
net::awaitable<void> RunSession(std::shared_ptr<Connection> conn, ServerState& state, Registry& registry);

}  // namespace shop::http::detail
