// HTTP/1.1 behaviour of the Server over raw sockets: keep-alive, pipelining, HEAD, Connection:
// close, 100-continue, chunked bodies, limits and request smuggling.
#include <gtest/gtest.h>

#include "raw_socket.hpp"
#include "test_server.hpp"

namespace shop::http::test {
namespace {

using namespace std::chrono_literals;

std::string Get(std::string_view target, std::string_view extra = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: t\r\n" + std::string(extra) + "\r\n";
}

std::string Post(std::string_view body, std::string_view extra = "") {
  return "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
         std::string(extra) + "\r\n" + std::string(body);
}

// Sends `request`, expects one answer with `status`, then the connection closed.
void ExpectRejectedAndClosed(std::uint16_t port, const std::string& request, int status) {
  RawSocket s(port);
  ASSERT_TRUE(s.connected());
  ASSERT_TRUE(s.Send(request));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res) << "no response to: " << request;
  EXPECT_EQ(res->status, status) << res->head;
  EXPECT_EQ(Lower(res->Header("Content-Type").value_or("")), "application/problem+json");
  EXPECT_EQ(Lower(res->Header("Connection").value_or("")), "close");
  EXPECT_TRUE(s.ClosedWithin(2s));
}

TEST(ServerProtocolTest, KeepAliveServesTwoRequestsOnOneConnection) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send(Get("/echo?n=1")));
  auto first = s.ReadResponse();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->Header("X-Target"), "/echo?n=1");
  EXPECT_TRUE(first->Header("Date").value_or("").ends_with(" GMT"));
  ASSERT_TRUE(s.Send(Get("/echo?n=2")));
  auto second = s.ReadResponse();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->Header("X-Target"), "/echo?n=2");
}

TEST(ServerProtocolTest, PipelinedRequestsAreAnsweredInOrder) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send(Get("/slow") + Post("second")));
  auto first = s.ReadResponse();
  auto second = s.ReadResponse();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(first->body, "done");
  EXPECT_EQ(second->body, "second");
}

TEST(ServerProtocolTest, HeadAnnouncesTheLengthButSendsNoBody) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("HEAD /other HTTP/1.1\r\nHost: t\r\n\r\n"));
  auto head = s.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->Header("Content-Length"), "5");  // "hello"
  // No body bytes: the next response starts right after the head.
  ASSERT_TRUE(s.Send(Get("/other")));
  auto next = s.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, "hello");
}

TEST(ServerProtocolTest, ConnectionCloseFromClientClosesAfterTheResponse) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send(Get("/other", "Connection: close\r\n")));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "hello");
  EXPECT_EQ(Lower(res->Header("Connection").value_or("")), "close");
  EXPECT_TRUE(s.ClosedWithin(2s));
}

TEST(ServerProtocolTest, ConnectionCloseFromHandlerClosesAfterTheResponse) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send(Get("/close")));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->body, "bye");
  EXPECT_TRUE(s.ClosedWithin(2s));
}

TEST(ServerProtocolTest, Http10WithoutKeepAliveIsClosedAndWithKeepAliveIsKept) {
  TestServer server;
  {
    RawSocket s(server.port());
    ASSERT_TRUE(s.Send("GET /other HTTP/1.0\r\n\r\n"));
    auto res = s.ReadResponse();
    ASSERT_TRUE(res);
    EXPECT_EQ(res->head.substr(0, 8), "HTTP/1.0");
    EXPECT_TRUE(s.ClosedWithin(2s));
  }
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("GET /other HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(Lower(res->Header("Connection").value_or("")), "keep-alive");
  ASSERT_TRUE(s.Send("GET /other HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
  EXPECT_TRUE(s.ReadResponse());
}

TEST(ServerProtocolTest, ExpectContinueGetsAnInterimResponseBeforeTheBody) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = s.ReadExactly(25);
  ASSERT_TRUE(interim);
  EXPECT_EQ(*interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(s.Send("ping"));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "ping");
}

TEST(ServerProtocolTest, ExpectContinueOverTheLimitIs413WithoutContinue) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send("POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n"));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
  EXPECT_TRUE(s.ClosedWithin(2s));
}

TEST(ServerProtocolTest, ChunkedBodyIsReassembled) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(
      s.Send("POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
             "5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->body, "hello, world");
  ASSERT_TRUE(s.Send(Post("again")));  // still usable afterwards
  auto next = s.ReadResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "again");
}

TEST(ServerProtocolTest, BodyOverTheLimitIs413AndCloses) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(), Post(std::string(2000, 'x')), 413);
}

TEST(ServerProtocolTest, ChunkedBodyOverTheLimitIs413AndCloses) {
  TestServer server;
  const std::string chunk(800, 'x');
  ExpectRejectedAndClosed(server.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n320\r\n" + chunk +
                              "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n",
                          413);
}

TEST(ServerProtocolTest, OversizedHeadersAre431) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(), Get("/other", "X-Big: " + std::string(10 * 1024, 'a') + "\r\n"), 431);
}

TEST(ServerProtocolTest, TransferEncodingOtherThanChunkedWithContentLengthIs400) {
  TestServer server;
  ExpectRejectedAndClosed(
      server.port(), "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nContent-Length: 4\r\n\r\nabcd", 400);
}

TEST(ServerProtocolTest, ChunkedTogetherWithContentLengthIs400) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "4\r\nabcd\r\n0\r\n\r\n",
                          400);
  ExpectRejectedAndClosed(server.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                          "4\r\nabcd\r\n0\r\n\r\n",
                          400);
}

TEST(ServerProtocolTest, TwoDifferentContentLengthsAre400) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400);
}

TEST(ServerProtocolTest, ChunkedFollowedByAnotherCodingIs400) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(),
                          "POST /echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"
                          "4\r\nabcd\r\n0\r\n\r\n",
                          400);
}

TEST(ServerProtocolTest, Http11RequestWithoutOneHostIs400) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(), "GET /other HTTP/1.1\r\n\r\n", 400);
  ExpectRejectedAndClosed(server.port(), "GET /other HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
}

TEST(ServerProtocolTest, MalformedRequestLineIs400) {
  TestServer server;
  ExpectRejectedAndClosed(server.port(), "GARBAGE\r\n\r\n", 400);
}

TEST(ServerProtocolTest, ThrowingHandlerIs500AndTheConnectionSurvives) {
  TestServer server;
  RawSocket s(server.port());
  ASSERT_TRUE(s.Send(Get("/throw")));
  auto res = s.ReadResponse();
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 500);
  EXPECT_EQ(res->body.find("boom"), std::string::npos);
  ASSERT_TRUE(s.Send(Get("/other")));
  EXPECT_TRUE(s.ReadResponse());
}

}  // namespace
}  // namespace shop::http::test
