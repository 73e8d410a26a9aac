// HttpUpstream against a real Server (libs/http_server) and against raw fake upstreams.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include <future>
#include <thread>
#include <vector>

#include "../../http_server/tests/raw_socket.hpp"
#include "../../http_server/tests/test_server.hpp"
#include "shop/http/client.hpp"
#include "shop/testing/testing.hpp"

namespace shop::http::test {
namespace {

using namespace std::chrono_literals;
namespace net = boost::asio;

// The executor the upstream's connections live on: one io_context on its own thread.
class IoThread {
 public:
  IoThread() : thread_([this] { ioc_.run(); }) {}
  ~IoThread() {
    guard_.reset();
    ioc_.stop();
    thread_.join();
  }
  net::any_io_executor executor() { return ioc_.get_executor(); }

 private:
  net::io_context ioc_{1};
  net::executor_work_guard<net::io_context::executor_type> guard_{ioc_.get_executor()};
  std::thread thread_;
};

Request Call(Method m, std::string target, std::string body = {}) {
  Request r;
  r.method = m;
  r.method_name = std::string(ToString(m));
  r.SetTarget(std::move(target));
  r.body = std::move(body);
  return r;
}

ClientOptions OptionsFor(std::uint16_t port) {
  ClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.request_timeout = 2s;
  return o;
}

Response SendNow(Upstream& up, Request req) { return testing::RunAwait(up.Send(std::move(req))); }

TEST(HttpClientTest, SequentialRequestsReuseOneConnection) {
  TestServer server;
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(server.port()));
  for (int i = 0; i < 3; ++i) {
    auto res = SendNow(*up, Call(Method::kGet, "/other"));
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "hello");
  }
  const auto stats = StatsOf(*up);
  EXPECT_EQ(stats.created, 1u);
  EXPECT_EQ(stats.reused, 2u);
  EXPECT_EQ(stats.open, 1u);
  EXPECT_EQ(stats.idle, 1u);
}

TEST(HttpClientTest, ForwardsMethodTargetAndBody) {
  TestServer server;
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(server.port()));
  auto res = SendNow(*up, Call(Method::kPut, "/echo?x=1&y=%20", "payload"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "payload");
  EXPECT_EQ(res.headers.Get("X-Method"), "PUT");
  EXPECT_EQ(res.headers.Get("X-Target"), "/echo?x=1&y=%20");
  EXPECT_FALSE(res.headers.Get("Content-Length"));  // framing is the next hop's business
}

TEST(HttpClientTest, DropsHopByHopHeadersAndSetsHost) {
  TestServer server;
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(server.port()));
  auto req = Call(Method::kGet, "/headers");
  req.headers.Add("X-Custom", "kept");
  req.headers.Add("Connection", "X-Private");
  req.headers.Add("X-Private", "dropped");
  req.headers.Add("Keep-Alive", "timeout=5");
  req.headers.Add("Upgrade", "websocket");
  req.headers.Add("TE", "trailers");
  req.headers.Add("Proxy-Authorization", "Basic eA==");
  req.headers.Add("Host", "evil.example");
  req.ctx.request_id = "req-123";
  auto res = SendNow(*up, std::move(req));
  ASSERT_EQ(res.status, 200);
  EXPECT_NE(res.body.find("X-Custom: kept\n"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("Host: 127.0.0.1:" + std::to_string(server.port()) + "\n"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("X-Request-Id: req-123\n"), std::string::npos) << res.body;
  for (const char* gone : {"X-Private", "Keep-Alive", "Upgrade", "TE:", "Proxy-Authorization", "evil.example"})
    EXPECT_EQ(res.body.find(gone), std::string::npos) << gone << " in " << res.body;
}

TEST(HttpClientTest, HeadResponseHasNoBodyAndKeepsTheConnection) {
  TestServer server;
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(server.port()));
  auto head = SendNow(*up, Call(Method::kHead, "/other"));
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  auto get = SendNow(*up, Call(Method::kGet, "/other"));
  EXPECT_EQ(get.body, "hello");
  EXPECT_EQ(StatsOf(*up).created, 1u);
}

TEST(HttpClientTest, RefusedConnectionIs503WithRetryAfter) {
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(ClosedPort()));
  auto res = SendNow(*up, Call(Method::kGet, "/other"));
  EXPECT_EQ(res.status, 503);
  EXPECT_TRUE(res.headers.Get("Retry-After"));
  EXPECT_EQ(res.headers.Get("Content-Type"), "application/problem+json");
  EXPECT_EQ(StatsOf(*up).open, 0u);  // the failed slot is given back
}

TEST(HttpClientTest, SilentUpstreamIs504AfterRequestTimeout) {
  RawListener silent;  // the kernel completes the handshake; nobody ever answers
  IoThread io;
  auto options = OptionsFor(silent.port());
  options.request_timeout = 300ms;
  auto up = MakeHttpUpstream(io.executor(), options);
  const auto start = std::chrono::steady_clock::now();
  auto res = SendNow(*up, Call(Method::kGet, "/other"));
  EXPECT_EQ(res.status, 504);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(HttpClientTest, GarbageResponseIs502) {
  RawListener fake;
  std::thread upstream([&] {
    const int fd = fake.Accept();
    if (fd < 0) return;
    char buf[4096];
    (void)::recv(fd, buf, sizeof buf, 0);
    const std::string_view garbage = "THIS IS NOT HTTP\r\n\r\n";
    (void)::send(fd, garbage.data(), garbage.size(), MSG_NOSIGNAL);
    ::close(fd);
  });
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(fake.port()));
  auto res = SendNow(*up, Call(Method::kGet, "/other"));
  upstream.join();
  EXPECT_EQ(res.status, 502);
  EXPECT_EQ(res.headers.Get("Content-Type"), "application/problem+json");
}

TEST(HttpClientTest, OversizedResponseIs502) {
  TestServer server;
  IoThread io;
  auto options = OptionsFor(server.port());
  options.max_response_body = 3;  // "hello" is 5
  auto up = MakeHttpUpstream(io.executor(), options);
  EXPECT_EQ(SendNow(*up, Call(Method::kGet, "/other")).status, 502);
}

TEST(HttpClientTest, StaleKeptAliveConnectionIsRetriedOnAFreshOne) {
  auto server_options = TestOptions();
  server_options.idle_timeout = 100ms;
  TestServer server(server_options);
  IoThread io;
  auto up = MakeHttpUpstream(io.executor(), OptionsFor(server.port()));
  EXPECT_EQ(SendNow(*up, Call(Method::kGet, "/other")).status, 200);
  std::this_thread::sleep_for(400ms);  // the server has closed the idle connection by now
  auto res = SendNow(*up, Call(Method::kPost, "/echo", "again"));
  EXPECT_EQ(res.status, 200);
  EXPECT_EQ(res.body, "again");
  EXPECT_EQ(StatsOf(*up).created, 2u);
}

// Callers already on the upstream's own (single-threaded) executor take the inline path: the
// exchange runs in their coroutine. Concurrent ones still share a pool bounded by max_connections.
TEST(HttpClientTest, CallersOnTheUpstreamsOwnExecutorShareTheBoundedPool) {
  TestServer server;
  net::io_context home{1};
  auto options = OptionsFor(server.port());
  options.max_connections = 2;
  options.connect_timeout = 5s;
  auto up = MakeHttpUpstream(home.get_executor(), options);
  std::vector<std::future<Response>> results;
  for (int i = 0; i < 5; ++i)
    results.push_back(net::co_spawn(home, up->Send(Call(Method::kPost, "/echo", "n" + std::to_string(i))),
                                    net::use_future));
  results.push_back(net::co_spawn(home, up->Send(Call(Method::kGet, "/slow")), net::use_future));
  home.run();
  for (int i = 0; i < 5; ++i) {
    auto res = results[i].get();
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "n" + std::to_string(i));
  }
  EXPECT_EQ(results[5].get().status, 200);
  const auto stats = StatsOf(*up);
  EXPECT_LE(stats.created, 2u);
  EXPECT_EQ(stats.created + stats.reused, 6u);
}

// An executor run by several threads: every connection gets its own strand of it.
TEST(HttpClientTest, WorksOnAnExecutorRunByManyThreads) {
  TestServer server;
  net::io_context shared;  // default concurrency hint: may be run by several threads
  auto guard = net::make_work_guard(shared);
  std::vector<std::thread> threads;
  for (int i = 0; i < 3; ++i) threads.emplace_back([&] { shared.run(); });
  auto options = OptionsFor(server.port());
  options.max_connections = 2;
  options.connect_timeout = 5s;
  auto up = MakeHttpUpstream(shared.get_executor(), options);
  std::vector<std::future<Response>> results;
  for (int i = 0; i < 8; ++i)
    results.push_back(net::co_spawn(shared, up->Send(Call(Method::kPost, "/echo", std::to_string(i))),
                                    net::use_future));
  for (int i = 0; i < 8; ++i) EXPECT_EQ(results[i].get().body, std::to_string(i));
  EXPECT_LE(StatsOf(*up).created, 2u);
  up.reset();
  guard.reset();
  for (auto& t : threads) t.join();
}

TEST(HttpClientTest, MoreConcurrentRequestsThanMaxConnectionsAllComplete) {
  TestServer server;
  IoThread io;
  auto options = OptionsFor(server.port());
  options.max_connections = 2;
  options.connect_timeout = 5s;  // also bounds the wait for a free connection
  auto up = MakeHttpUpstream(io.executor(), options);
  net::io_context callers;
  std::vector<std::future<Response>> results;
  for (int i = 0; i < 6; ++i)
    results.push_back(net::co_spawn(callers, up->Send(Call(Method::kGet, "/slow")), net::use_future));
  callers.run();
  for (auto& r : results) {
    auto res = r.get();
    EXPECT_EQ(res.status, 200);
    EXPECT_EQ(res.body, "done");
  }
  const auto stats = StatsOf(*up);
  EXPECT_LE(stats.created, 2u);
  EXPECT_LE(stats.open, 2u);
}

TEST(HttpClientTest, WaitingForAFreeConnectionTimesOutWith503) {
  TestServer server;
  IoThread io;
  auto options = OptionsFor(server.port());
  options.max_connections = 1;
  options.connect_timeout = 100ms;
  auto up = MakeHttpUpstream(io.executor(), options);
  net::io_context callers;
  auto first = net::co_spawn(callers, up->Send(Call(Method::kGet, "/slow")), net::use_future);
  auto second = net::co_spawn(callers, up->Send(Call(Method::kGet, "/slow")), net::use_future);
  callers.run();
  EXPECT_EQ(first.get().status, 200);
  EXPECT_EQ(second.get().status, 503);
}

TEST(HttpClientTest, SendIsSafeFromManyThreads) {
  TestServer server;
  IoThread io;
  auto options = OptionsFor(server.port());
  options.max_connections = 3;
  auto up = MakeHttpUpstream(io.executor(), options);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i)
        if (SendNow(*up, Call(Method::kPost, "/echo", "x")).body == "x") ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_LE(StatsOf(*up).created, 3u);
}

TEST(HttpClientTest, RejectsABaseUrlThatIsNotHttpHostPort) {
  IoThread io;
  EXPECT_THROW(MakeHttpUpstream(io.executor(), ClientOptions{"https://x:1"}), std::invalid_argument);
  EXPECT_THROW(MakeHttpUpstream(io.executor(), ClientOptions{"http://x:1/path"}), std::invalid_argument);
}

}  // namespace
}  // namespace shop::http::test
