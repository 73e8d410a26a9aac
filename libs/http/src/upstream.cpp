// Upstream helpers and the in-process upstream (a Module of this process, no socket).
#include "shop/http/upstream.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>

#include "shop/http/module.hpp"
#include "shop/http/pipeline.hpp"

namespace shop::http {

Response Upstream::SendBlocking(Request req) {
  auto fut = boost::asio::co_spawn(executor_, Send(std::move(req)), boost::asio::use_future);
  return fut.get();
}

InProcessUpstream::InProcessUpstream(Module& module, boost::asio::any_io_executor ex)
    : Upstream(std::move(ex)), module_(module) {}

Task<Response> InProcessUpstream::Send(Request req) {
  // `req` is this call's own copy; the callee sees the caller's request id and trace, with a new
  // span for this hop, exactly as if the request had crossed a socket. A request built by hand
  // (ctx set, headers not) carries its ctx across too.
  if (!req.headers.Get("X-Request-Id") && !req.ctx.request_id.empty())
    req.headers.Set("X-Request-Id", req.ctx.request_id);
  if (!req.headers.Get("traceparent") && !req.ctx.trace_id.empty() && !req.ctx.span_id.empty())
    req.headers.Set("traceparent", req.ctx.Traceparent());
  AssignContext(req);
  co_return co_await module_.Dispatch(req);
}

Request MakeCall(Method m, std::string target, const RequestContext& ctx, std::string body,
                 std::string_view authorization) {
  Request r;
  r.method = m;
  r.method_name = std::string(ToString(m));
  r.SetTarget(std::move(target));
  if (!ctx.request_id.empty()) r.headers.Set("X-Request-Id", ctx.request_id);
  if (!ctx.trace_id.empty() && !ctx.span_id.empty()) r.headers.Set("traceparent", ctx.Traceparent());
  if (!authorization.empty()) r.headers.Set("Authorization", std::string(authorization));
  if (!body.empty()) r.headers.Set("Content-Type", "application/json");
  r.headers.Set("Accept", "application/json");
  r.body = std::move(body);
  r.ctx = ctx;
  return r;
}

}  // namespace shop::http
