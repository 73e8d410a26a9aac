// Module: one service hosted in a process (its own process, or one of four in the all-in-one).
// It owns the service's Router and a bounded worker pool (a bulkhead: a burst of logins saturating
// the user-service pool cannot stall catalog reads in the product-service pool).
//
// Dispatch() is the service's HTTP entry: route match, 404 / 405 with Allow, blocking handlers on
// the worker pool, an escaping exception -> 500 problem logged once with the request id, and the
// per-route metrics. Thread-safe once routes are mounted.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "shop/http/router.hpp"

namespace boost::asio {
class thread_pool;
}

namespace shop::http {

class Module {
 public:
  // `workers` threads in the module's pool (0: the number of cores).
  Module(std::string name, std::size_t workers = 0);
  ~Module();
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  const std::string& name() const { return name_; }
  Router& router() { return router_; }
  boost::asio::thread_pool& pool() { return *pool_; }

  // Readiness probe used by GET /ready (e.g. "the database answers"). Runs on the worker pool, so
  // it may block. Default: always ready.
  void SetReadinessProbe(std::function<bool()> probe) { ready_ = std::move(probe); }
  bool Ready() const { return !ready_ || ready_(); }

  // Mounts GET /health, GET /ready and GET /metrics for this module.
  void MountOperations();

  Task<Response> Dispatch(Request& req);

  // Waits for queued blocking work and joins the pool.
  void Stop();

 private:
  std::string name_;
  Router router_;
  std::unique_ptr<boost::asio::thread_pool> pool_;
  std::function<bool()> ready_;
};

// `{"status":"healthy","service":"<name>"}`
Response HealthResponse(std::string_view service);

}  // namespace shop::http
