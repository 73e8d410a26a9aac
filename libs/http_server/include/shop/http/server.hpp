// Server: HTTP/1.1 on Boost.Beast with C++20 coroutines (the only place, with the client, that
// sees Beast). One io_context per I/O thread, each with its own SO_REUSEPORT acceptor, so a
// connection lives on one thread from accept to close and nothing needs a strand.
//
// Protocol hardening (ARCHITECTURE.md "HTTP core"): header limit (431), body limit (413),
// a deadline on every read (idle timeout while waiting for a request, read timeout once one has
// started: a slow or silent client cannot hold a worker), keep-alive and Connection: close, HEAD,
// Expect: 100-continue, chunked request bodies, pipelining, and request smuggling closed (any
// Transfer-Encoding other than exactly "chunked", TE together with Content-Length, or differing
// Content-Lengths -> 400 and the connection is closed).
//
// Stop() is graceful: stop accepting, close idle keep-alive connections at once, let in-flight
// requests finish (answered with Connection: close; bounded by drain_timeout, after which the
// remaining connections are cut), then stop the io_contexts and join their threads.
//
// Lifetimes: a handler still running on another executor (a Module's worker pool) when the drain
// ends resumes into a stopped io_context; stop such pools after Stop() and before ~Server. Objects
// bound to executor() (an Upstream's connections) must be destroyed before the Server.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "shop/core/error.hpp"
#include "shop/http/router.hpp"

namespace shop::http {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: an ephemeral port (see Server::port())
  int io_threads = 0;         // 0: one per core
  std::size_t header_limit = 8 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::milliseconds read_timeout{10'000};  // from a request's first byte to its last
  std::chrono::milliseconds idle_timeout{60'000};  // waiting for the next request on a connection
  std::chrono::milliseconds write_timeout{10'000};
  std::chrono::milliseconds drain_timeout{10'000};  // graceful shutdown bound
};

class Server {
 public:
  Server(ServerOptions options, Handler app);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the I/O threads. Errors (address in use...) as kUnavailable.
  Result<void> Start();
  std::uint16_t port() const;
  // An executor of one of the server's I/O threads (for clients that live with the server).
  boost::asio::any_io_executor executor();
  // Graceful stop (see above); idempotent and thread-safe; returns when every I/O thread has
  // exited. Never call it from one of the server's I/O threads (it joins them).
  void Stop();
  // Blocks until SIGINT or SIGTERM (or until Stop() is called elsewhere), then calls Stop().
  void WaitForSignal();
  // Requests read and not yet answered.
  std::size_t active_requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::http
