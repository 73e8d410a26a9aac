// HttpUpstream: a pooled HTTP/1.1 keep-alive client for one upstream service (Boost.Beast).
// Connections are reused across requests, bounded by max_connections (a request beyond that waits
// for a free one up to connect_timeout, then fails 503); every call has a connect timeout and a
// request timeout. The caller's X-Request-Id and traceparent travel with the request.
//
// Failures are answered as problem+json responses, never thrown: connection refused -> 503,
// timeout -> 504, a malformed or oversized upstream response -> 502.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>
#include <string>

#include "shop/http/upstream.hpp"

namespace shop::http {

struct ClientOptions {
  std::string base_url;  // "http://product-service:8000"
  std::size_t max_connections = 64;
  std::chrono::milliseconds connect_timeout{1'000};
  std::chrono::milliseconds request_timeout{10'000};
  std::size_t max_response_body = 8 * 1024 * 1024;
};

// Send() may be called from any thread. Connections are bound to `ex` (to a strand of it unless
// `ex` is an io_context with concurrency hint 1); a caller already running on such an `ex` is
// served inline, without a hop; any other caller has the exchange run on `ex` and resumes on its
// own executor. The pool is one mutex-protected structure. `ex` must outlive the upstream. A kept-alive connection found closed
// by the server before any byte of the response arrived is retried once on a fresh connection
// (whatever the method: the server had not read the request). Throws std::invalid_argument when
// base_url is not "http://host[:port]".
std::unique_ptr<Upstream> MakeHttpUpstream(boost::asio::any_io_executor ex, ClientOptions options);

// Pool statistics, for tests and /metrics.
struct PoolStats {
  std::size_t open = 0, idle = 0, created = 0, reused = 0;
};
PoolStats StatsOf(const Upstream& upstream);

}  // namespace shop::http
