// Upstream: something that answers HTTP requests for another service: a Module in this process
// (InProcessUpstream) or a service across the network (libs/http_client's pooled client). The
// gateway and every service-to-service client speak to this one interface, so the same code runs
// in the embedded and the distributed shape.
//
// Failures never throw: connection refused -> 503 problem, timeout -> 504, malformed answer -> 502.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <chrono>
#include <memory>

#include "shop/http/message.hpp"
#include "shop/http/router.hpp"

namespace shop::http {

class Module;

class Upstream {
 public:
  virtual ~Upstream() = default;
  virtual Task<Response> Send(Request req) = 0;

  // Blocking form for code on a worker pool (never call it from an I/O thread): runs Send() on the
  // upstream's executor and waits for the answer.
  Response SendBlocking(Request req);

 protected:
  explicit Upstream(boost::asio::any_io_executor ex) : executor_(std::move(ex)) {}
  boost::asio::any_io_executor executor_;
};

// Dispatches straight into a Module of this process: no socket, same semantics.
class InProcessUpstream final : public Upstream {
 public:
  InProcessUpstream(Module& module, boost::asio::any_io_executor ex);
  Task<Response> Send(Request req) override;

 private:
  Module& module_;
};

// Builds a request for a service-to-service call carrying the caller's context (request id,
// traceparent) and, when given, the caller's Authorization header.
Request MakeCall(Method m, std::string target, const RequestContext& ctx, std::string body = {},
                 std::string_view authorization = {});

}  // namespace shop::http
