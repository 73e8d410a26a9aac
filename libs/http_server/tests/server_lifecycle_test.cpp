// Deadlines, start-up errors and graceful shutdown of the Server.
#include <gtest/gtest.h>

#include <csignal>
#include <future>
#include <thread>

#include <signal.h>
#include <unistd.h>

#include "raw_socket.hpp"
#include "test_server.hpp"

namespace shop::http::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

ServerOptions ShortTimeouts() {
  auto o = TestOptions();
  o.read_timeout = 300ms;
  o.idle_timeout = 300ms;
  return o;
}

TEST(ServerLifecycleTest, SlowClientGets408AndIsClosedAfterReadTimeout) {
  TestServer server(ShortTimeouts());
  RawSocket s(server.port());
  const auto start = Clock::now();
  ASSERT_TRUE(s.Send("GET /other HTTP/1.1\r\nHost: t\r\nX-Partial: "));  // then silence
  auto res = s.ReadResponse(false, 3s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 408);
  EXPECT_TRUE(s.ClosedWithin(2s));
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(ServerLifecycleTest, ReadTimeoutCoversTheBodyToo) {
  TestServer server(ShortTimeouts());
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc"));
  auto res = s.ReadResponse(false, 3s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 408);
  EXPECT_TRUE(s.ClosedWithin(2s));
}

TEST(ServerLifecycleTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  TestServer server(ShortTimeouts());
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("GET /other HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(s.ReadResponse());
  const auto start = Clock::now();
  EXPECT_TRUE(s.ClosedWithin(3s));
  EXPECT_TRUE(s.pending().empty());  // closed silently: no 408 for an idle connection
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 250ms);
  EXPECT_LT(elapsed, 2s);
}

TEST(ServerLifecycleTest, ClientThatStopsReadingIsCutAfterWriteTimeout) {
  auto options = TestOptions();
  options.write_timeout = 300ms;
  TestServer server(options);
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("GET /big HTTP/1.1\r\nHost: t\r\n\r\n"));  // and never read
  const auto wait_until = Clock::now() + 3s;
  while (server->active_requests() == 0 && Clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  while (server->active_requests() != 0 && Clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  EXPECT_EQ(server->active_requests(), 0u);
  EXPECT_GE(Clock::now() - start, 200ms);
  EXPECT_FALSE(s.ReadResponse(false, 2s));  // the response was cut: never completes
}

TEST(ServerLifecycleTest, GracefulStopLetsAnInFlightRequestFinish) {
  TestServer server;
  RawSocket busy(server.port());
  RawSocket idle(server.port());
  ASSERT_TRUE(idle.Send("GET /other HTTP/1.1\r\nHost: t\r\n\r\n"));
  ASSERT_TRUE(idle.ReadResponse());
  // The idle connection's request counts until its write completes, which may trail our read.
  auto wait_until = Clock::now() + 2s;
  while (server->active_requests() != 0 && Clock::now() < wait_until) std::this_thread::sleep_for(1ms);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  wait_until = Clock::now() + 2s;
  while (server->active_requests() == 0 && Clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(server->active_requests(), 1u);

  auto stopped = std::async(std::launch::async, [&] { server->Stop(); });
  EXPECT_TRUE(idle.ClosedWithin(200ms));  // idle keep-alive connections close at once
  auto res = busy.ReadResponse(false, 3s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "done");
  EXPECT_EQ(Lower(res->Header("Connection").value_or("")), "close");
  EXPECT_TRUE(busy.ClosedWithin(2s));
  EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready);
  EXPECT_EQ(server->active_requests(), 0u);
  RawSocket late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(ServerLifecycleTest, StopIsBoundedByDrainTimeout) {
  auto options = TestOptions();
  options.drain_timeout = 50ms;
  TestServer server(options);
  RawSocket busy(server.port());
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n"));
  const auto wait_until = Clock::now() + 2s;
  while (server->active_requests() == 0 && Clock::now() < wait_until) std::this_thread::sleep_for(5ms);
  const auto start = Clock::now();
  server->Stop();
  EXPECT_LT(Clock::now() - start, 1s);
  server->Stop();  // idempotent
}

TEST(ServerLifecycleTest, StartReportsAPortInUse) {
  TestServer first;
  auto options = TestOptions();
  options.port = first.port();
  Server second(options, &TestApp);
  auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, Errc::kUnavailable);
}

TEST(ServerLifecycleTest, EveryIoThreadAcceptsOnTheSamePort) {
  auto options = TestOptions();
  options.io_threads = 3;
  TestServer server(options);
  for (int i = 0; i < 12; ++i) {
    RawSocket s(server.port());
    ASSERT_TRUE(s.Send("GET /other HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    auto res = s.ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->body, "hello");
  }
}

TEST(ServerLifecycleTest, WaitForSignalStopsTheServerOnSigterm) {
  // Until WaitForSignal() has installed its handler, a SIGTERM must not kill the test binary.
  struct sigaction ignore {};
  ignore.sa_handler = [](int) {};
  ASSERT_EQ(::sigaction(SIGTERM, &ignore, nullptr), 0);
  TestServer server;
  auto waited = std::async(std::launch::async, [&] { server->WaitForSignal(); });
  for (int i = 0; i < 60 && waited.wait_for(50ms) != std::future_status::ready; ++i) ::kill(::getpid(), SIGTERM);
  ASSERT_EQ(waited.wait_for(0s), std::future_status::ready);
  RawSocket late(server.port());
  EXPECT_FALSE(late.connected());
}

TEST(ServerLifecycleTest, WaitForSignalReturnsWhenStoppedElsewhere) {
  TestServer server;
  auto waited = std::async(std::launch::async, [&] { server->WaitForSignal(); });
  std::this_thread::sleep_for(50ms);
  server->Stop();
  EXPECT_EQ(waited.wait_for(2s), std::future_status::ready);
}

}  // namespace
}  // namespace shop::http::test
