// One HTTP/1.1 connection on Boost.Beast: the keep-alive loop with its deadlines, limits and
// request-smuggling checks (server.hpp lists the contract). The only Beast TU of the server.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include <algorithm>
#include <array>
#include <ctime>
#include <optional>

#include "connection.hpp"
#include "shop/http/problem.hpp"

namespace shop::http::detail {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using boost::system::error_code;
using BeastRequest = bhttp::request<bhttp::string_body>;
using BeastResponse = bhttp::response<bhttp::string_body>;

constexpr auto kAsTuple = net::as_tuple(net::use_awaitable);
constexpr std::size_t kIdleReadSize = 8 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
// After an error answer the client may still be sending: read and drop its bytes for a moment
// before closing, or the kernel answers them with a RST that can destroy our response in flight.
constexpr std::chrono::milliseconds kMaxLinger{1'000};
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;

// A failure that ends the connection, answered (when status != 0) before closing.
struct Failure {
  int status = 0;
  std::string_view detail;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Request smuggling (RFC 9112 6.1, 6.3): Beast 1.81 accepts "Transfer-Encoding: gzip" followed by
// Content-Length, and a TE list whose last coding is not chunked, so the framing check is ours.
std::optional<Failure> CheckFraming(const BeastRequest& msg) {
  const auto te_count = msg.count(bhttp::field::transfer_encoding);
  const auto cl_count = msg.count(bhttp::field::content_length);
  if (te_count > 0) {
    if (te_count != 1) return Failure{400, "Transfer-Encoding may appear once"};
    const auto te = Trim(msg.find(bhttp::field::transfer_encoding)->value());
    if (!beast::iequals(te, "chunked")) return Failure{400, "Transfer-Encoding must be exactly \"chunked\""};
    if (cl_count > 0) return Failure{400, "Transfer-Encoding together with Content-Length"};
  }
  // RFC 9112 3.2: an HTTP/1.1 request carries exactly one Host.
  const auto host_count = msg.count(bhttp::field::host);
  if (host_count > 1 || (host_count == 0 && msg.version() >= 11))
    return Failure{400, "exactly one Host header is required"};
  if (cl_count > 1) {
    const auto [first, last] = msg.equal_range(bhttp::field::content_length);
    for (auto it = first; it != last; ++it)
      if (Trim(it->value()) != Trim(first->value())) return Failure{400, "conflicting Content-Length values"};
  }
  return std::nullopt;
}

bool IsDisconnect(const error_code& ec) {
  return ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe || ec == net::error::not_connected;
}

// Maps a failed read of a started request to the answer it deserves (status 0: just close).
Failure ReadFailure(const Connection& conn, const error_code& ec) {
  if (conn.timed_out()) return {408, "The request was not received in time"};
  if (conn.killed() || ec == net::error::operation_aborted || IsDisconnect(ec)) return {};
  if (ec == bhttp::error::header_limit) return {431, "Request header fields too large"};
  if (ec == bhttp::error::body_limit) return {413, "Request body too large"};
  return {400, "Malformed HTTP request"};
}

Request ToRequest(BeastRequest&& msg, const std::string& remote_addr) {
  Request req;
  req.method_name = std::string(msg.method_string());
  req.method = ParseMethod(req.method_name);
  req.SetTarget(std::string(msg.target()));
  for (const auto& field : msg) {
    // The body arrives de-chunked: its framing header would only mislead whoever forwards it.
    if (field.name() == bhttp::field::transfer_encoding) continue;
    req.headers.Add(std::string(field.name_string()), std::string(field.value()));
  }
  req.body = std::move(msg.body());
  req.remote_addr = remote_addr;
  return req;
}

// RFC 9110 6.6.1 asks an origin server for a Date on every response; formatted once a second.
std::string_view HttpDate() {
  thread_local std::time_t cached_second = 0;
  thread_local char text[64] = {};
  const std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached_second = now;
  }
  return text;
}

bool WantsClose(const Response& res) {
  const auto conn = res.headers.Get("Connection");
  return conn && beast::iequals(Trim(*conn), "close");
}

BeastResponse ToBeast(Response&& res, unsigned version, bool head, bool keep_alive) {
  BeastResponse out;
  out.version(version);
  out.result(static_cast<unsigned>(res.status));
  for (const auto& [name, value] : res.headers) {
    if (beast::iequals(name, "Content-Length") || beast::iequals(name, "Transfer-Encoding") ||
        beast::iequals(name, "Connection"))
      continue;
    out.insert(name, value);
  }
  if (out.count(bhttp::field::date) == 0) out.set(bhttp::field::date, HttpDate());
  const bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) {
    // HEAD: the length of the body a GET would get, and no body bytes.
    out.set(bhttp::field::content_length, std::to_string(res.body.size()));
    if (!head) out.body() = std::move(res.body);
  }
  out.keep_alive(keep_alive);
  return out;
}

// Counts a request from the end of its read to the end of its response (active_requests()), even
// when a stopped io_context destroys the session mid-request.
class InFlight {
 public:
  explicit InFlight(std::atomic<std::size_t>& counter) : counter_(counter) { counter_.fetch_add(1); }
  ~InFlight() { counter_.fetch_sub(1); }
  InFlight(const InFlight&) = delete;
  InFlight& operator=(const InFlight&) = delete;

 private:
  std::atomic<std::size_t>& counter_;
};

class Session {
 public:
  Session(std::shared_ptr<Connection> conn, ServerState& state) : conn_(std::move(conn)), state_(state) {
    error_code ec;
    const auto remote = conn_->socket().remote_endpoint(ec);
    if (!ec) remote_addr_ = remote.address().to_string();
  }

  net::awaitable<void> Run() {
    const auto& opt = state_.options;
    for (;;) {
      if (buffer_.size() == 0) {
        const bool more = co_await WaitForFirstByte();
        if (!more) break;  // idle close, EOF, Stop()
      }
      conn_->phase = Phase::kReading;
      conn_->Arm(opt.read_timeout);
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(opt.header_limit, UINT32_MAX)));
      parser.body_limit(opt.body_limit);
      const std::optional<Failure> failure = co_await ReadRequest(parser);
      if (failure) {
        co_await Fail(*failure);
        co_return;
      }
      conn_->Disarm();

      const bool head = parser.get().method() == bhttp::verb::head;
      const unsigned version = parser.get().version();
      bool keep_alive = parser.keep_alive();
      Request req = ToRequest(parser.release(), remote_addr_);

      conn_->phase = Phase::kHandling;
      bool written = false;
      {
        InFlight in_flight(state_.active_requests);
        Response res = co_await Handle(req);
        keep_alive = keep_alive && !WantsClose(res) && !state_.stopping.load() && !conn_->killed();
        conn_->phase = Phase::kWriting;
        BeastResponse out = ToBeast(std::move(res), version, head, keep_alive);
        written = co_await Write(out);
      }
      if (!written) break;
      if (!keep_alive) {
        co_await CloseLingering();
        co_return;
      }
    }
    Close();
  }

 private:
  // Waits up to idle_timeout for the next request's first byte. False: close the connection.
  net::awaitable<bool> WaitForFirstByte() {
    conn_->phase = Phase::kIdle;
    if (state_.stopping.load() || conn_->killed()) co_return false;
    conn_->Arm(state_.options.idle_timeout);
    auto [ec, n] = co_await conn_->socket().async_read_some(buffer_.prepare(kIdleReadSize), kAsTuple);
    conn_->Disarm();
    if (ec) co_return false;
    buffer_.commit(n);
    co_return true;
  }

  // Reads header and body under the read deadline armed by the caller. nullopt: a whole request.
  net::awaitable<std::optional<Failure>> ReadRequest(bhttp::request_parser<bhttp::string_body>& parser) {
    auto [ec, n] = co_await bhttp::async_read_header(conn_->socket(), buffer_, parser, kAsTuple);
    if (ec) co_return ReadFailure(*conn_, ec);
    if (auto bad = CheckFraming(parser.get())) co_return bad;
    const auto length = parser.content_length();
    if (length && *length > state_.options.body_limit) co_return Failure{413, "Request body too large"};
    if (parser.is_done()) co_return std::nullopt;

    const auto expect = parser.get()[bhttp::field::expect];
    if (parser.get().version() >= 11 && beast::iequals(Trim(expect), "100-continue")) {
      auto [wec, wn] = co_await net::async_write(conn_->socket(), net::buffer(kContinue), kAsTuple);
      if (wec) co_return ReadFailure(*conn_, wec);
    }
    std::tie(ec, n) = co_await bhttp::async_read(conn_->socket(), buffer_, parser, kAsTuple);
    if (ec) co_return ReadFailure(*conn_, ec);
    co_return std::nullopt;
  }

  net::awaitable<Response> Handle(Request& req) {
    // The production handler is a Pipeline, which maps exceptions itself; this is the last guard.
    try {
      co_return co_await state_.app(req);
    } catch (...) {
      co_return Problem(500, "An unexpected error occurred");
    }
  }

  net::awaitable<bool> Write(BeastResponse& res) {
    conn_->Arm(state_.options.write_timeout);
    auto [ec, n] = co_await bhttp::async_write(conn_->socket(), res, kAsTuple);
    conn_->Disarm();
    co_return !ec;
  }

  // Answers a protocol failure (if it has a status) with Connection: close, then closes.
  net::awaitable<void> Fail(Failure failure) {
    conn_->Disarm();
    if (failure.status == 0) {
      Close();
      co_return;
    }
    conn_->phase = Phase::kWriting;
    BeastResponse out = ToBeast(Problem(failure.status, failure.detail), 11, false, false);
    const bool written = co_await Write(out);
    if (written) co_await CloseLingering();
    Close();
  }

  // Sends FIN, then drains what the client still sends (bounded) so that closing does not reset
  // the connection under a response the client has not read yet.
  net::awaitable<void> CloseLingering() {
    conn_->phase = Phase::kClosing;
    error_code ec;
    conn_->socket().shutdown(tcp::socket::shutdown_send, ec);
    if (!ec && !conn_->killed()) {
      conn_->Arm(std::min<std::chrono::steady_clock::duration>(state_.options.read_timeout, kMaxLinger));
      std::array<char, 4096> sink;
      std::size_t drained = 0;
      while (drained < kMaxLingerBytes) {
        auto [rec, n] = co_await conn_->socket().async_read_some(net::buffer(sink), kAsTuple);
        if (rec) break;
        drained += n;
      }
      conn_->Disarm();
    }
    Close();
  }

  void Close() {
    conn_->phase = Phase::kClosing;
    conn_->Disarm();
    error_code ec;
    conn_->socket().close(ec);
  }

  std::shared_ptr<Connection> conn_;
  ServerState& state_;
  beast::flat_buffer buffer_;
  std::string remote_addr_;
};

// Keeps the server's view of open connections right however the session ends (even when its
// frame is destroyed by a stopped io_context).
class Registration {
 public:
  Registration(Connection* conn, ServerState& state, Registry& registry)
      : conn_(conn), state_(state), registry_(registry) {
    registry_.insert(conn_);
  }
  ~Registration() {
    registry_.erase(conn_);
    state_.open_connections.fetch_sub(1);
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;

 private:
  Connection* conn_;
  ServerState& state_;
  Registry& registry_;
};

}  // namespace

net::awaitable<void> RunSession(std::shared_ptr<Connection> conn, ServerState& state, Registry& registry) {
  Registration registration(conn.get(), state, registry);
  try {
    Session session(conn, state);
    co_await session.Run();
  } catch (...) {
    // Only allocation failures can get here; the connection is dropped, the server keeps serving.
    error_code ignored;
    conn->socket().close(ignored);
  }
}

}  // namespace shop::http::detail
