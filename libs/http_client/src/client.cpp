// HttpUpstream on Boost.Beast (client.hpp states the contract). The only Beast TU of the client.
//
// Threading: every connection is bound to the executor `ex` given to MakeHttpUpstream (to its own
// strand of it, unless `ex` is an io_context run by one thread), and the pool (pool.hpp) is one
// mutex-protected structure. Send() may be called from any thread or executor:
//  - fast path: the caller already runs on `ex` itself and `ex` is a single-threaded io_context
//    (concurrency hint 1, as every Server I/O thread and test io_context is): the exchange runs
//    inline in the caller's coroutine, no hop, no strand (nothing else can run concurrently);
//  - otherwise the exchange is spawned on the connection's executor and the caller resumes on its
//    own executor afterwards (two hops).
// That executor must outlive the upstream.
#include "shop/http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <stdexcept>

#include "pool.hpp"
#include "shop/http/problem.hpp"

namespace shop::http {

namespace detail {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;

class ClientConnection {
 public:
  explicit ClientConnection(net::any_io_executor strand) : stream(std::move(strand)) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
};

}  // namespace detail

namespace {

using namespace detail;  // NOLINT: the private names of this library

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;
constexpr std::chrono::seconds kMaxIdle{30};
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

// RFC 9110 7.6.1: meaningful for one hop only, never forwarded (Host and the framing are ours too).
bool IsHopByHop(std::string_view name) {
  constexpr std::string_view kNames[] = {"Connection",
                                         "Keep-Alive",
                                         "Proxy-Authenticate",
                                         "Proxy-Authorization",
                                         "TE",
                                         "Trailer",
                                         "Transfer-Encoding",
                                         "Upgrade",
                                         "Proxy-Connection",
                                         "Host",
                                         "Content-Length",
                                         "Expect"};
  for (auto n : kNames)
    if (beast::iequals(n, name)) return true;
  return false;
}

// Fields named in a Connection header are hop-by-hop as well.
bool NamedByConnection(const Headers& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (!beast::iequals(k, "Connection")) continue;
    for (auto token : bhttp::token_list(v))
      if (beast::iequals(token, name)) return true;
  }
  return false;
}

struct Target {
  std::string host, port, host_header;
};

Target ParseBaseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme)
    throw std::invalid_argument("upstream base_url must be http://host:port, got '" + std::string(url) + "'");
  auto rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos)
    throw std::invalid_argument("upstream base_url must be http://host:port, got '" + std::string(url) + "'");
  Target t;
  t.host_header = std::string(rest);
  std::string_view host = rest, port = "80";
  if (rest.front() == '[') {  // [v6]:port
    const auto close = rest.find(']');
    if (close == std::string_view::npos) throw std::invalid_argument("bad IPv6 base_url: " + std::string(url));
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size() && rest[close + 1] == ':') port = rest.substr(close + 2);
  } else if (const auto colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  t.host = std::string(host);
  t.port = std::string(port);
  return t;
}

std::shared_ptr<const BeastRequest> ToBeast(const Request& req, const std::string& host_header) {
  auto out = std::make_shared<BeastRequest>();
  const auto verb = bhttp::string_to_verb(req.method_name.empty() ? ToString(req.method) : req.method_name);
  if (verb == bhttp::verb::unknown) {
    out->method_string(req.method_name);
  } else {
    out->method(verb);
  }
  out->target(req.target.empty() ? std::string_view("/") : std::string_view(req.target));
  out->version(11);
  for (const auto& [name, value] : req.headers)
    if (!IsHopByHop(name) && !NamedByConnection(req.headers, name)) out->insert(name, value);
  out->set(bhttp::field::host, host_header);
  // The caller's context travels with the call when its headers do not carry it already.
  if (!req.ctx.request_id.empty() && out->count("X-Request-Id") == 0) out->set("X-Request-Id", req.ctx.request_id);
  if (!req.ctx.trace_id.empty() && out->count("traceparent") == 0) out->set("traceparent", req.ctx.Traceparent());
  out->body() = req.body;
  out->prepare_payload();
  return out;
}

Response FromBeast(BeastResponse&& in) {
  Response out;
  out.status = static_cast<int>(in.result_int());
  Headers raw;
  for (const auto& f : in) raw.Add(std::string(f.name_string()), std::string(f.value()));
  for (const auto& [name, value] : raw)
    if (!IsHopByHop(name) && !NamedByConnection(raw, name)) out.headers.Add(name, value);
  out.body = std::move(in.body());
  return out;
}

bool IsDisconnect(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == net::error::connection_aborted;
}

struct Outcome {
  Response response;
  bool reusable = false;
  bool stale = false;  // a kept-alive connection the server had closed, nothing read: retry
};

Outcome Fail(int status, std::string_view detail) { return {Problem(status, detail), false, false}; }

struct Shared {
  Target target;
  ClientOptions options;
  Pool pool;
  Shared(Target t, ClientOptions o)
      : target(std::move(t)), options(std::move(o)), pool(options.max_connections, kMaxIdle) {}
};

// One request/response on `conn`, on the connection's strand.
Task<Outcome> Exchange(std::shared_ptr<Shared> shared, std::shared_ptr<ClientConnection> conn,
                       std::shared_ptr<const BeastRequest> req, bool fresh) {
  auto& stream = conn->stream;
  const auto& opt = shared->options;
  if (fresh) {
    tcp::resolver resolver(stream.get_executor());
    auto [rec, endpoints] = co_await resolver.async_resolve(shared->target.host, shared->target.port, kAsTuple);
    if (rec) co_return Fail(503, "upstream host could not be resolved");
    stream.expires_after(opt.connect_timeout);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kAsTuple);
    if (cec == beast::error::timeout) co_return Fail(504, "upstream connect timed out");
    if (cec) co_return Fail(503, "upstream unavailable: connection refused");
    shared->pool.CountCreated();
    error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
  }
  stream.expires_after(opt.request_timeout);
  auto [wec, wn] = co_await bhttp::async_write(stream, *req, kAsTuple);
  if (wec == beast::error::timeout) co_return Fail(504, "upstream request timed out");
  if (wec) {
    if (!fresh && IsDisconnect(wec)) co_return Outcome{{}, false, true};
    co_return Fail(502, "upstream closed the connection");
  }
  for (;;) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.header_limit(kResponseHeaderLimit);
    parser.body_limit(opt.max_response_body);
    if (req->method() == bhttp::verb::head) parser.skip(true);
    auto [rec, rn] = co_await bhttp::async_read(stream, conn->buffer, parser, kAsTuple);
    if (rec == beast::error::timeout) co_return Fail(504, "upstream request timed out");
    if (rec) {
      if (!fresh && !parser.got_some() && IsDisconnect(rec)) co_return Outcome{{}, false, true};
      if (rec == bhttp::error::body_limit) co_return Fail(502, "upstream response too large");
      co_return Fail(502, "malformed upstream response");
    }
    const auto status = parser.get().result_int();
    if (status / 100 == 1 && status != 101) continue;  // interim (100 Continue): the final one follows
    stream.expires_never();
    const bool reusable = parser.keep_alive() && status != 101 && conn->buffer.size() == 0;
    co_return Outcome{FromBeast(parser.release()), reusable, false};
  }
}

// True when `ex` is an io_context created with concurrency hint 1: the application promised that
// one thread runs it, so handlers on it never run concurrently and a connection needs no strand.
bool IsSingleThreadedIoContext(const net::any_io_executor& ex) {
  const auto* io = ex.target<net::io_context::executor_type>();
  if (!io) return false;
  // Asio keeps the hint in the io_context's scheduler service (the io_context's own impl).
  return net::use_service<net::detail::scheduler>(io->context()).concurrency_hint() == 1;
}

class HttpUpstream final : public Upstream {
 public:
  HttpUpstream(net::any_io_executor ex, ClientOptions options)
      : Upstream(ex),
        shared_(std::make_shared<Shared>(ParseBaseUrl(options.base_url), std::move(options))),
        single_threaded_(IsSingleThreadedIoContext(executor_)) {}

  Task<Response> Send(Request req) override {
    // Copies, so that an exchange in flight keeps what it needs even if this object goes away.
    const auto shared = shared_;
    const auto home = executor_;
    // On `ex` itself, single-threaded: run the exchange right here (see the file comment).
    const bool inline_exchange = single_threaded_ && (co_await net::this_coro::executor) == home;
    auto lease = co_await shared->pool.Acquire(shared->options.connect_timeout);
    if (!lease) co_return Problem(503, "upstream connection pool exhausted");
    const auto breq = ToBeast(req, shared->target.host_header);
    auto conn = std::move(*lease);
    bool fresh = !conn;
    Outcome out;
    // A kept-alive connection may have been closed by the server meanwhile: one retry, fresh.
    for (int attempt = 0; attempt < 2; ++attempt) {
      if (!conn) {
        conn = std::make_shared<ClientConnection>(single_threaded_ ? home : net::make_strand(home));
      }
      try {
        if (inline_exchange) {
          out = co_await Exchange(shared, conn, breq, fresh);
        } else {
          out = co_await net::co_spawn(conn->stream.get_executor(), Exchange(shared, conn, breq, fresh),
                                       net::use_awaitable);
        }
      } catch (...) {
        out = Fail(502, "upstream exchange failed");
      }
      if (!out.stale) break;
      conn.reset();
      fresh = true;
    }
    if (out.stale) out = Fail(502, "upstream closed the connection");
    shared->pool.Release(std::move(conn), out.reusable);
    co_return std::move(out.response);
  }

  PoolStats Stats() const { return shared_->pool.Stats(); }

 private:
  std::shared_ptr<Shared> shared_;
  const bool single_threaded_;  // executor_ is an io_context run by one thread
};

}  // namespace

std::unique_ptr<Upstream> MakeHttpUpstream(boost::asio::any_io_executor ex, ClientOptions options) {
  return std::make_unique<HttpUpstream>(std::move(ex), std::move(options));
}

PoolStats StatsOf(const Upstream& upstream) {
  if (const auto* http = dynamic_cast<const HttpUpstream*>(&upstream)) return http->Stats();
  return {};
}

}  // namespace shop::http
