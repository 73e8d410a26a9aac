// The service host: what turns a service Component into a running process (a service binary) or
// into one of the four modules of the all-in-one program. It reads the process configuration
// from the environment, opens and migrates the service's database, creates the event bus and the
// outbox relay, the http::Module and the server, and owns start-up order and graceful shutdown.
#pragma once

#include <boost/asio/any_io_executor.hpp>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <memory>
#include <string>
#include <vector>

#include "shop/auth/auth.hpp"
#include "shop/config/env.hpp"
#include "shop/core/time.hpp"
#include "shop/db/database.hpp"
#include "shop/db/migrations.hpp"
#include "shop/events/event.hpp"
#include "shop/http/module.hpp"
#include "shop/http/server.hpp"
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
  std::vector<db::Migration> migrations;  // the service's own (SQLite dialect)
  std::function<std::unique_ptr<Component>(ServiceContext&)> mount;
  // PostgreSQL versions where the SQLite DDL does not translate (full-text search...); empty:
  // the SQLite migrations are translated by the PostgreSQL driver.
  std::vector<db::Migration> pg_migrations;
};

// main() of a service binary: env -> config -> database -> bus -> module -> server -> run until
// SIGINT/SIGTERM -> graceful stop. Returns the process exit code.
int RunService(ServiceSpec spec, int argc, char** argv);

// Process-level settings every binary reads from the environment (validated together):
//   HOST, PORT, IO_THREADS, WORKERS, DATA_DIR, DATABASE_URL, LOG_LEVEL, FAILPOINTS, CURSOR_SECRET,
//   MAX_BODY_BYTES, READ_TIMEOUT_MS, IDLE_TIMEOUT_MS, DRAIN_TIMEOUT_MS, KAFKA_BROKERS.
struct ProcessConfig {
  std::string service;
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int io_threads = 0;
  // Blocking worker threads of the service (WORKERS). 0: max(4, cores), at least the default
  // PostgreSQL pool size, since a handler waiting on the database or on another service holds
  // its worker without using a core.
  int workers = 0;
  std::string data_dir = "./var";
  std::string database_url;  // default sqlite:///<DATA_DIR>/<service-without-suffix>.db
  std::string log_level = "info";
  std::string failpoints;
  std::string cursor_secret;
  std::size_t max_body_bytes = 1024 * 1024;
  int read_timeout_ms = 10'000;
  int idle_timeout_ms = 60'000;
  int drain_timeout_ms = 10'000;
};

// Reads the settings above through `env` (errors are collected in it: call env.Finish()).
ProcessConfig ReadProcessConfig(config::EnvReader& env, std::string_view service, std::uint16_t default_port);

// The HTTP server's settings from the process settings (host, port, threads, limits, timeouts).
http::ServerOptions ServerOptionsFrom(const ProcessConfig& cfg);

// Logging, failpoints, cursor key, data directory. Returns an error naming what failed.
Result<void> InitProcess(const ProcessConfig& cfg);

// The SQLite URL of `service`'s database under `data_dir` ("order-service" -> orders.db).
std::string DefaultDatabaseUrl(std::string_view data_dir, std::string_view service);

// Keeps a verifier's keys in step with the user-service's JWKS (GET /.well-known/jwks.json):
// fetched at Start() (retrying with backoff until it succeeds) and every minute after, so key
// rotation reaches every service binary and the gateway; a token with an unknown kid triggers an
// early fetch (RequestRefresh, at most one every 5 s). Used in the distributed shape; the
// all-in-one shares the user-service's KeySet in-process instead.
class JwksRefresher {
 public:
  JwksRefresher(http::Upstream& users, std::shared_ptr<auth::TokenVerifier> verifier);
  ~JwksRefresher();
  void Start();
  void Stop();
  bool FetchOnce();
  // Asks for a fetch soon (cheap, any thread); rate-limited.
  void RequestRefresh();
  // True once a JWKS has been fetched: until then the process is not ready (GET /ready is 503),
  // so a load balancer never sends it a token it cannot verify yet.
  bool HasKeys() const { return has_keys_.load(); }
  // VerifierOptions whose on_unknown_kid calls RequestRefresh() on `*slot` once it is set.
  static auth::VerifierOptions OptionsFor(std::shared_ptr<std::atomic<JwksRefresher*>> slot);

 private:
  http::Upstream& users_;
  std::shared_ptr<auth::TokenVerifier> verifier_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> wanted_{false};
  std::atomic<bool> has_keys_{false};
  std::atomic<std::int64_t> last_fetch_ms_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

// Opens `url` (sqlite:// or postgresql://) and applies the events, idempotency and `own`
// migrations under component `service` (`own_pg` instead of `own` on PostgreSQL when not empty).
Result<std::unique_ptr<db::Database>> OpenDatabase(std::string_view url, std::string_view service,
                                                   const std::vector<db::Migration>& own,
                                                   const std::vector<db::Migration>& own_pg = {});

}  // namespace shop::runtime
