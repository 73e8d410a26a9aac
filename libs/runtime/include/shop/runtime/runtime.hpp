// The service host: what turns a service Component into a running process (a service binary) or
// into one of the four modules of the all-in-one program. It reads the process configuration
// from the environment, opens and migrates the service's database, creates the event bus and the
// outbox relay, the http::Module and the server, and owns start-up order and graceful shutdown.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "shop/auth/auth.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"
#include "shop/events/event.hpp"
#include "shop/http/module.hpp"
#include "shop/http/upstream.hpp"

namespace shop::runtime {

// A service's body: routes are mounted and consumers subscribed by its constructor.
class Component {
 public:
  virtual ~Component() = default;
  virtual void Start() {}   // background jobs; called once the server is about to serve
  virtual void Stop() {}    // before the database closes
};

// What the host gives a component.
struct ServiceContext {
  std::string service;                                  // "order-service"
  db::Database& db;                                     // migrated: events + idempotency + own
  events::Bus& bus;
  http::Module& module;
  const Clock& clock;
  std::shared_ptr<const auth::TokenVerifier> verifier;  // null for the user-service itself
  std::string data_dir;                                 // where a service may keep files (keys)
  // The HTTP face of another service ("product-service"): in-process in the all-in-one, a pooled
  // HTTP client to <NAME>_URL (e.g. PRODUCT_SERVICE_URL) in a service binary.
  std::function<http::Upstream&(std::string_view service)> upstream;
};

struct ServiceSpec {
  std::string name;                      // "product-service"
  std::uint16_t default_port = 8000;
  std::vector<db::Migration> migrations;  // the service's own
  std::function<std::unique_ptr<Component>(ServiceContext&)> mount;
};

// main() of a service binary: env -> config -> database -> bus -> module -> server -> run until
// SIGINT/SIGTERM -> graceful stop. Returns the process exit code.
int RunService(ServiceSpec spec, int argc, char** argv);

// Opens `url` and applies the events, idempotency and `own` migrations under component `service`.
Result<std::unique_ptr<db::Database>> OpenDatabase(std::string_view url, std::string_view service,
                                                   const std::vector<db::Migration>& own);

}  // namespace shop::runtime
