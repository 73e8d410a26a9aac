#include "shop/runtime/runtime.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <thread>

#include <sys/stat.h>

#include "shop/core/cursor.hpp"
#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"
#include "shop/events/relay.hpp"
#include "shop/failpoint/failpoint.hpp"
#include "shop/http/client.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/http/server.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "shop/observability/log.hpp"
#if SHOP_WITH_PG
#include "shop/db/pg.hpp"
#endif
#if SHOP_WITH_KAFKA
#include "shop/events/kafka.hpp"
#include "shop/events/kafka_config.hpp"
#endif

namespace shop::runtime {
namespace {

// "order-service" -> "ORDER_SERVICE_URL"
std::string UrlVariable(std::string_view service) {
  std::string out;
  for (char c : service) out.push_back(c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  return out + "_URL";
}

}  // namespace

JwksRefresher::JwksRefresher(http::Upstream& users, std::shared_ptr<auth::TokenVerifier> verifier)
    : users_(users), verifier_(std::move(verifier)) {}

JwksRefresher::~JwksRefresher() { Stop(); }

void JwksRefresher::Start() {
  thread_ = std::thread([this] {
    int delay_ms = 200;
    while (!stopping_) {
      wanted_ = false;
      last_fetch_ms_ = SystemClock::Instance().NowMs();
      const bool ok = FetchOnce();
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(ok ? 60'000 : delay_ms),
                   [this] { return stopping_.load() || wanted_.load(); });
      if (wanted_ && !stopping_) {
        // An unknown kid was seen: fetch now, but never more than once every 5 s.
        const auto since = SystemClock::Instance().NowMs() - last_fetch_ms_.load();
        if (since < 5'000) cv_.wait_for(lock, std::chrono::milliseconds(5'000 - since), [this] { return stopping_.load(); });
      }
      delay_ms = ok ? 200 : std::min(delay_ms * 2, 10'000);
    }
  });
}

void JwksRefresher::RequestRefresh() {
  if (wanted_.exchange(true)) return;
  cv_.notify_all();
}

auth::VerifierOptions JwksRefresher::OptionsFor(std::shared_ptr<std::atomic<JwksRefresher*>> slot) {
  auth::VerifierOptions o;
  o.on_unknown_kid = [slot] {
    if (auto* r = slot->load()) r->RequestRefresh();
  };
  return o;
}

void JwksRefresher::Stop() {
  stopping_ = true;
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool JwksRefresher::FetchOnce() {
  http::RequestContext ctx;
  ctx.request_id = NewId();
  ctx.trace_id = RandomHex(16);
  ctx.span_id = RandomHex(8);
  auto res = users_.SendBlocking(http::MakeCall(http::Method::kGet, "/.well-known/jwks.json", ctx));
  if (res.status != 200) {
    log::Warn("jwks fetch failed", {{"status", static_cast<std::int64_t>(res.status)}});
    return false;
  }
  auto keys = auth::KeySet::FromJwks(res.body);
  if (!keys) {
    log::Warn("jwks malformed", {{"detail", keys.error().detail}});
    return false;
  }
  verifier_->SetKeys(*keys);
  has_keys_ = true;
  return true;
}

std::string DefaultDatabaseUrl(std::string_view data_dir, std::string_view service) {
  std::string name(service);
  if (auto pos = name.find("-service"); pos != std::string::npos) name.erase(pos);
  std::filesystem::path p = std::filesystem::absolute(std::filesystem::path(std::string(data_dir)) / (name + ".db"));
  return "sqlite://" + p.lexically_normal().string();
}

ProcessConfig ReadProcessConfig(config::EnvReader& env, std::string_view service, std::uint16_t default_port) {
  ProcessConfig c;
  c.service = std::string(service);
  c.host = env.String("HOST", "127.0.0.1");
  c.port = static_cast<std::uint16_t>(env.Int("PORT", default_port, 0, 65535));
  c.io_threads = static_cast<int>(env.Int("IO_THREADS", 0, 0, 256));
  c.workers = static_cast<int>(env.Int("WORKERS", 0, 0, 1024));
  c.data_dir = env.String("DATA_DIR", "./var");
  c.database_url = env.DatabaseUrl("DATABASE_URL", DefaultDatabaseUrl(c.data_dir, service));
  c.log_level = env.Choice("LOG_LEVEL", "info", {"trace", "debug", "info", "warn", "error"});
  c.failpoints = env.String("FAILPOINTS", "");
  c.cursor_secret = env.String("CURSOR_SECRET", "");
  c.max_body_bytes = static_cast<std::size_t>(env.Int("MAX_BODY_BYTES", 1024 * 1024, 1024, 64LL * 1024 * 1024));
  c.read_timeout_ms = static_cast<int>(env.Int("READ_TIMEOUT_MS", 10'000, 50, 600'000));
  c.idle_timeout_ms = static_cast<int>(env.Int("IDLE_TIMEOUT_MS", 60'000, 50, 3'600'000));
  c.drain_timeout_ms = static_cast<int>(env.Int("DRAIN_TIMEOUT_MS", 10'000, 0, 600'000));
  return c;
}

http::ServerOptions ServerOptionsFrom(const ProcessConfig& cfg) {
  http::ServerOptions so;
  so.host = cfg.host;
  so.port = cfg.port;
  so.io_threads = cfg.io_threads;
  so.body_limit = cfg.max_body_bytes;
  so.read_timeout = std::chrono::milliseconds(cfg.read_timeout_ms);
  so.idle_timeout = std::chrono::milliseconds(cfg.idle_timeout_ms);
  so.drain_timeout = std::chrono::milliseconds(cfg.drain_timeout_ms);
  return so;
}

Result<void> InitProcess(const ProcessConfig& cfg) {
  log::Init(cfg.service, cfg.log_level);
  if (auto r = failpoint::Configure(cfg.failpoints); !r) return r.error();
  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec);
  if (ec) return Error::Invalid("DATA_DIR", "cannot create " + cfg.data_dir + ": " + ec.message());
  if (!cfg.cursor_secret.empty()) {
    cursor::SetKey(cfg.cursor_secret);
    return Ok();
  }
  // No CURSOR_SECRET: keep one in DATA_DIR so that cursors survive a restart (0600, like the JWT key).
  const auto path = std::filesystem::path(cfg.data_dir) / "cursor-secret";
  std::string secret;
  if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
    char buf[128];
    const auto n = std::fread(buf, 1, sizeof buf, f);
    std::fclose(f);
    secret.assign(buf, n);
  }
  if (secret.size() < 32) {
    secret = RandomHex(32);
    const auto old = ::umask(077);
    std::FILE* f = std::fopen(path.c_str(), "wb");
    ::umask(old);
    if (!f) return Error::Invalid("DATA_DIR", "cannot write " + path.string());
    std::fwrite(secret.data(), 1, secret.size(), f);
    std::fclose(f);
  }
  cursor::SetKey(secret);
  return Ok();
}

Result<std::unique_ptr<db::Database>> OpenDatabase(std::string_view url, std::string_view service,
                                                   const std::vector<db::Migration>& own,
                                                   const std::vector<db::Migration>& own_pg) {
#if SHOP_WITH_PG
  // sqlite:// or postgresql://; on PostgreSQL migrations run under an advisory lock so that
  // several replicas can start at once.
  auto db = db::OpenAny(url);
  auto migrate = [](db::Database& d, std::string_view component, const std::vector<db::Migration>& m) {
    return db::MigrateWithLock(d, component, m);
  };
#else
  auto db = db::Open(url);
  auto migrate = [](db::Database& d, std::string_view component, const std::vector<db::Migration>& m) {
    return db::Migrate(d, component, m);
  };
#endif
  if (!db) return db.error();
  if (auto r = migrate(**db, "events", events::SchemaMigrations()); !r) return r.error();
  if (auto r = migrate(**db, "idempotency", idempotency::SchemaMigrations()); !r) return r.error();
  const bool pg = (*db)->dialect() == db::Dialect::kPostgres && !own_pg.empty();
  if (auto r = migrate(**db, service, pg ? own_pg : own); !r) return r.error();
  return std::move(*db);
}

int RunService(ServiceSpec spec, int /*argc*/, char** /*argv*/) {
  config::EnvReader env;
  const ProcessConfig cfg = ReadProcessConfig(env, spec.name, spec.default_port);
  const char* brokers = std::getenv("KAFKA_BROKERS");
  const bool use_kafka = brokers && *brokers;
#if SHOP_WITH_KAFKA
  std::optional<events::KafkaOptions> kafka_options;
  if (use_kafka) kafka_options = events::ReadKafkaOptions(env, spec.name);
#endif
  if (auto r = env.Finish(); !r) {
    std::cerr << spec.name << ": invalid configuration: " << r.error().detail << "\n";
    return 2;
  }
  if (auto r = InitProcess(cfg); !r) {
    std::cerr << spec.name << ": " << r.error().detail << "\n";
    return 2;
  }
#if !SHOP_WITH_KAFKA
  if (use_kafka) {
    // Fail at start rather than run with a bus that reaches no other process.
    std::cerr << spec.name << ": KAFKA_BROKERS: this build has no Kafka support (librdkafka-dev was missing); "
                              "unset it to use the in-process bus\n";
    return 2;
  }
#endif
  auto db = OpenDatabase(cfg.database_url, spec.name, spec.migrations, spec.pg_migrations);
  if (!db) {
    log::Error("database unavailable", {{"detail", db.error().detail}});
    std::cerr << spec.name << ": cannot open the database: " << db.error().detail << "\n";
    return 1;
  }

  // The bus: Kafka when KAFKA_BROKERS is set (the distributed shape), else in-process (a service
  // binary on its own, e.g. for benchmarks; its events then reach no other process).
  std::unique_ptr<events::Bus> bus_holder;
#if SHOP_WITH_KAFKA
  events::KafkaBus* kafka = nullptr;
  if (kafka_options) {
    try {
      auto k = std::make_unique<events::KafkaBus>(*kafka_options);
      kafka = k.get();
      bus_holder = std::move(k);
    } catch (const ErrorException& e) {
      std::cerr << spec.name << ": KAFKA_*: " << e.error().detail << "\n";
      return 2;
    }
  }
#endif
  if (!bus_holder) bus_holder = std::make_unique<events::InProcBus>();
  events::Bus& bus = *bus_holder;
  const std::size_t workers = cfg.workers > 0 ? static_cast<std::size_t>(cfg.workers)
                                              : std::max<std::size_t>(4, std::thread::hardware_concurrency());
  http::Module module(spec.name, workers);
  // Ready: the database answers and, for services that verify tokens, the JWKS has arrived.
  JwksRefresher* jwks_for_readiness = nullptr;
  module.SetReadinessProbe([&db, &jwks_for_readiness] {
    return (*db)->Ping() && (!jwks_for_readiness || jwks_for_readiness->HasKeys());
  });
  module.MountOperations();
  http::Pipeline pipeline({.service = spec.name}, [&module](http::Request& r) { return module.Dispatch(r); });

  const http::ServerOptions so = ServerOptionsFrom(cfg);
  http::Server server(so, [&pipeline](http::Request& r) { return pipeline.Handle(r); });

  // Other services over HTTP, created on first use from <NAME>_URL.
  std::mutex upstreams_mu;
  std::map<std::string, std::unique_ptr<http::Upstream>, std::less<>> upstreams;
  auto upstream = [&](std::string_view name) -> http::Upstream& {
    std::lock_guard lock(upstreams_mu);
    auto it = upstreams.find(name);
    if (it != upstreams.end()) return *it->second;
    const char* url = std::getenv(UrlVariable(name).c_str());
    http::ClientOptions co;
    co.base_url = url && *url ? url : "http://127.0.0.1:" + std::to_string(name == "user-service"      ? 8001
                                                                         : name == "product-service" ? 8002
                                                                         : name == "order-service"   ? 8003
                                                                                                     : 8004);
    auto up = http::MakeHttpUpstream(server.executor(), co);
    auto& ref = *up;
    upstreams.emplace(std::string(name), std::move(up));
    return ref;
  };

  std::shared_ptr<auth::TokenVerifier> verifier;
  std::unique_ptr<JwksRefresher> jwks;
  auto jwks_slot = std::make_shared<std::atomic<JwksRefresher*>>(nullptr);
  if (spec.name != "user-service") {
    verifier = std::make_shared<auth::TokenVerifier>(std::make_shared<auth::KeySet>(),
                                                     JwksRefresher::OptionsFor(jwks_slot));
    jwks = std::make_unique<JwksRefresher>(upstream("user-service"), verifier);
    jwks_slot->store(jwks.get());
    jwks_for_readiness = jwks.get();
  }

  ServiceContext ctx{spec.name, **db, bus, module, SystemClock::Instance(), verifier, cfg.data_dir, upstream};
  std::unique_ptr<Component> component;
  try {
    component = spec.mount(ctx);
  } catch (const std::exception& e) {
    std::cerr << spec.name << ": start-up failed: " << e.what() << "\n";
    return 1;
  }
  events::OutboxRelay relay(**db, bus, {.service = spec.name});

  if (auto r = server.Start(); !r) {
    std::cerr << spec.name << ": cannot listen on " << cfg.host << ":" << cfg.port << ": " << r.error().detail << "\n";
    return 1;
  }
#if SHOP_WITH_KAFKA
  if (kafka) kafka->Start();  // consumers subscribed by the component's constructor
#endif
  relay.Start();
  component->Start();
  if (jwks) jwks->Start();
  log::Info("listening", {{"host", cfg.host}, {"port", static_cast<std::int64_t>(server.port())}});
  std::printf("%s listening on http://%s:%u\n", spec.name.c_str(), cfg.host.c_str(), server.port());
  std::fflush(stdout);

  server.WaitForSignal();
  if (jwks) jwks->Stop();
#if SHOP_WITH_KAFKA
  if (kafka) kafka->Stop();  // no new events to handle; stored offsets committed
#endif
  component->Stop();
  relay.Stop();
  module.Stop();
  // Coroutine transactions still in flight (a PostgreSQL statement outliving the drain) end
  // before the server's executors go.
  (*db)->Quiesce(std::chrono::seconds(2));
  component.reset();
  log::Info("stopped");
  log::Flush();
  return 0;
}

}  // namespace shop::runtime
