// Pipeline: the middleware chain every server runs in front of its application handler, in order:
// request id (X-Request-Id echoed when sane, else generated), W3C traceparent (continued or
// started; this hop gets a new span id), CORS (preflight answered here), error mapping (an exception
// escaping the app becomes a 500 problem with the request id), in-flight gauge, one JSON access-log
// line. Thread-safe; holds no per-request state.
#pragma once

#include <string>

#include "shop/http/router.hpp"

namespace shop::http {

struct CorsOptions {
  bool enabled = true;
  std::string allow_origin = "*";
  std::string allow_headers = "Authorization, Content-Type, Idempotency-Key, X-Request-Id, traceparent";
  std::string allow_methods = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  std::string expose_headers = "X-Request-Id, traceparent, ETag, Retry-After, Location";
  int max_age_s = 600;
};

struct PipelineOptions {
  std::string service;  // for log lines
  CorsOptions cors;
  bool access_log = true;
};

class Pipeline {
 public:
  Pipeline(PipelineOptions options, Handler app);
  Task<Response> Handle(Request& req) const;

 private:
  PipelineOptions options_;
  Handler app_;
};

// Fills req.ctx from X-Request-Id / traceparent (generating what is missing or malformed).
void AssignContext(Request& req);

}  // namespace shop::http
