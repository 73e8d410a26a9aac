// Module::Dispatch: route match -> handler (blocking ones hop to the worker pool) -> error mapping
// -> per-route metrics. Exceptions never escape Dispatch.
#include "shop/http/module.hpp"

#include <boost/asio/thread_pool.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "shop/core/error.hpp"
#include "shop/http/problem.hpp"
#include "shop/observability/log.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::http {

namespace {

constexpr std::string_view kInternalDetail = "An unexpected error occurred. Quote the request id when reporting it.";

std::size_t PoolSize(std::size_t workers) {
  if (workers > 0) return workers;
  return std::max<std::size_t>(2, std::thread::hardware_concurrency());
}

void LogFailure(const std::string& service, const Request& req, std::string_view what) {
  // The request body is never logged: it may carry passwords or card data.
  log::Error("unhandled exception in handler", {{"component", std::string_view(service)},
                                                 {"request_id", std::string_view(req.ctx.request_id)},
                                                 {"trace_id", std::string_view(req.ctx.trace_id)},
                                                 {"method", ToString(req.method)},
                                                 {"route", std::string_view(req.route)},
                                                 {"error", what}});
}

// Runs the matched route; every exception becomes a problem response here.
Task<Response> RunRoute(const Route& route, boost::asio::thread_pool& pool, const std::string& service,
                        Request& req) {
  Response resp;
  std::exception_ptr failure;
  try {
    if (route.async) {
      resp = co_await route.async(req);
    } else {
      co_await async::RunOn(pool.get_executor(), [&] { resp = route.blocking(req); });
    }
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_return resp;
  try {
    std::rethrow_exception(failure);
  } catch (const ErrorException& e) {
    if (e.error().code == Errc::kInternal) LogFailure(service, req, e.error().detail);
    co_return Problem(e.error(), req.ctx.request_id);
  } catch (const std::exception& e) {
    LogFailure(service, req, e.what());
  } catch (...) {
    LogFailure(service, req, "non-standard exception");
  }
  co_return Problem(500, kInternalDetail, req.ctx.request_id);
}

Task<Response> HealthHandler(std::string service) { co_return HealthResponse(service); }

// The probe asks the database (a round trip, a pool wait): it runs on the worker pool, never on
// the I/O thread.
Task<Response> ReadyHandler(Module& module, std::string request_id) {
  bool ready = false;
  co_await async::RunOn(module.pool().get_executor(), [&module, &ready] { ready = module.Ready(); });
  if (!ready) co_return Problem(Error::Unavailable("the service is not ready"), request_id);
  boost::json::object body{{"status", "ready"}, {"service", module.name()}};
  co_return Response::Json(200, boost::json::serialize(body));
}

Task<Response> MetricsHandler() {
  co_return Response::Text(200, metrics::Render(), "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

Module::Module(std::string name, std::size_t workers)
    : name_(std::move(name)), pool_(std::make_unique<boost::asio::thread_pool>(PoolSize(workers))) {}

Module::~Module() { Stop(); }

void Module::Stop() {
  if (pool_) pool_->join();
}

void Module::MountOperations() {
  router_.AddAsync(Method::kGet, "/health", [this](Request&) { return HealthHandler(name_); });
  router_.AddAsync(Method::kGet, "/ready",
                   [this](Request& req) { return ReadyHandler(*this, req.ctx.request_id); });
  router_.AddAsync(Method::kGet, "/metrics", [](Request&) { return MetricsHandler(); });
}

Task<Response> Module::Dispatch(Request& req) {
  const auto start = std::chrono::steady_clock::now();
  PathParams params;
  const auto found = router_.Find(req.method, req.path, params);
  Response resp;
  if (found.route) {
    req.params = std::move(params);
    req.route = found.route->pattern;
    resp = co_await RunRoute(*found.route, *pool_, name_, req);
  } else if (!found.allowed.empty()) {
    req.route.clear();
    resp = Problem(405, "The method is not allowed for this resource.", req.ctx.request_id);
    resp.headers.Set("Allow", AllowHeader(found.allowed));
  } else {
    req.route.clear();
    resp = Problem(404, "No resource matches this path.", req.ctx.request_id);
  }
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  metrics::RecordRequest(name_, ToString(req.method), req.route.empty() ? "unmatched" : req.route, resp.status,
                         elapsed.count());
  co_return resp;
}

Response HealthResponse(std::string_view service) {
  boost::json::object body{{"status", "healthy"}, {"service", service}};
  return Response::Json(200, boost::json::serialize(body));
}

}  // namespace shop::http
