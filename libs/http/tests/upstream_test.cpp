#include "shop/http/upstream.hpp"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/executor_work_guard.hpp>

#include <thread>

#include "shop/http/module.hpp"
#include "shop/testing/testing.hpp"

namespace shop::http {
namespace {

TEST(MakeCallTest, CarriesContextAuthorizationAndContentType) {
  RequestContext ctx{"rid-7", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"};
  auto r = MakeCall(Method::kPost, "/api/v1/orders/o1/pay?x=1", ctx, R"({"a":1})", "Bearer tok");
  EXPECT_EQ(r.method, Method::kPost);
  EXPECT_EQ(r.method_name, "POST");
  EXPECT_EQ(r.path, "/api/v1/orders/o1/pay");
  EXPECT_EQ(r.query, "x=1");
  EXPECT_EQ(r.headers.Get("X-Request-Id"), "rid-7");
  EXPECT_EQ(r.headers.Get("traceparent"), ctx.Traceparent());
  EXPECT_EQ(r.headers.Get("Authorization"), "Bearer tok");
  EXPECT_EQ(r.headers.Get("Content-Type"), "application/json");
  EXPECT_EQ(r.body, R"({"a":1})");

  auto bare = MakeCall(Method::kGet, "/x", ctx);
  EXPECT_FALSE(bare.headers.Get("Authorization"));
  EXPECT_FALSE(bare.headers.Get("Content-Type"));
}

class InProcessUpstreamTest : public ::testing::Test {
 protected:
  InProcessUpstreamTest() : module("callee", 2) {
    module.router().Get("/echo/{id}", [](Request& r) {
      return Response::Text(200, std::string(r.Param("id")) + "|" + r.ctx.request_id + "|" + r.ctx.trace_id + "|" +
                                     r.ctx.span_id);
    });
  }
  Module module;
  RequestContext ctx{"rid-up", "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01"};
};

TEST_F(InProcessUpstreamTest, SendDispatchesIntoTheModuleWithTheCallersContext) {
  boost::asio::io_context io;
  InProcessUpstream up(module, io.get_executor());
  auto resp = testing::RunAwait(up.Send(MakeCall(Method::kGet, "/echo/42", ctx)));
  EXPECT_EQ(resp.status, 200);
  const auto parts = resp.body;
  EXPECT_TRUE(parts.starts_with("42|rid-up|4bf92f3577b34da6a3ce929d0e0e4736|"));
  EXPECT_EQ(parts.find("00f067aa0ba902b7"), std::string::npos);  // the hop gets its own span
}

TEST_F(InProcessUpstreamTest, HandBuiltRequestCarriesItsContext) {
  boost::asio::io_context io;
  InProcessUpstream up(module, io.get_executor());
  Request req;
  req.SetTarget("/echo/5");
  req.ctx = ctx;
  auto resp = testing::RunAwait(up.Send(req));
  EXPECT_TRUE(resp.body.starts_with("5|rid-up|4bf92f3577b34da6a3ce929d0e0e4736|"));
}

TEST_F(InProcessUpstreamTest, SendBlockingWaitsForTheAnswer) {
  boost::asio::io_context io;
  auto guard = boost::asio::make_work_guard(io);
  std::thread runner([&] { io.run(); });
  InProcessUpstream up(module, io.get_executor());
  auto resp = up.SendBlocking(MakeCall(Method::kGet, "/echo/9", ctx));
  auto missing = up.SendBlocking(MakeCall(Method::kGet, "/nothing", ctx));
  guard.reset();
  runner.join();
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.body.starts_with("9|rid-up|"));
  EXPECT_EQ(missing.status, 404);
}

}  // namespace
}  // namespace shop::http
