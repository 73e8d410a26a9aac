#include "embedded.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>

#include "gateway.hpp"
#include "order/wiring.hpp"
#include "payment/wiring.hpp"
#include "product/wiring.hpp"
#include "shop/events/relay.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/http/server.hpp"
#include "shop/observability/log.hpp"
#include "shop/runtime/runtime.hpp"
#include "user/wiring.hpp"

namespace shop::embedded {
namespace {

// Services' Config::FromEnv return either a Config (errors collected in the EnvReader) or a
// Result<Config> (checks across variables); both end up here.
template <class T>
T Settle(T cfg, std::vector<std::string>&) {
  return cfg;
}
template <class T>
T Settle(Result<T> cfg, std::vector<std::string>& errors) {
  if (!cfg) {
    errors.push_back(cfg.error().detail);
    return T{};
  }
  return std::move(*cfg);
}

// One service inside the process: its database, module, relay and component.
struct Hosted {
  std::string name;
  std::unique_ptr<db::Database> db;
  std::unique_ptr<http::Module> module;
  std::unique_ptr<http::InProcessUpstream> upstream;
  std::unique_ptr<events::OutboxRelay> relay;
  std::unique_ptr<runtime::Component> component;
  std::unique_ptr<runtime::ServiceContext> ctx;
};

}  // namespace

int RunAdminCli(int argc, char** argv) {
  // The admin account lives in the user-service's database: same command as `user-service admin`.
  return user::RunAdminCli(argc, argv);
}

int Serve() {
  config::EnvReader env;
  const auto cfg = runtime::ReadProcessConfig(env, "ecommerce-platform", 8080);
  const auto workers = static_cast<std::size_t>(env.Int("SERVICE_WORKERS", 4, 1, 256));
  std::map<std::string, std::string> db_urls;
  for (const auto* svc : {"user-service", "product-service", "order-service", "payment-service"}) {
    std::string var(svc);
    var = var.substr(0, var.find('-'));
    for (auto& c : var) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    db_urls[svc] = env.DatabaseUrl(var + "_DATABASE_URL", runtime::DefaultDatabaseUrl(cfg.data_dir, svc));
  }
  std::vector<std::string> config_errors;
  auto user_cfg = Settle(user::Config::FromEnv(env), config_errors);
  auto product_cfg = Settle(product::Config::FromEnv(env), config_errors);
  auto order_cfg = Settle(order::Config::FromEnv(env), config_errors);
  auto payment_cfg = Settle(payment::Config::FromEnv(env), config_errors);
  auto routes = gateway::DefaultRoutes();
  const auto overrides = env.String("GATEWAY_ROUTES", "");
  if (auto r = env.Finish(); !r) config_errors.push_back(r.error().detail);
  if (!config_errors.empty()) {
    std::cerr << "ecommerce-platform: invalid configuration:";
    for (const auto& e : config_errors) std::cerr << "\n  " << e;
    std::cerr << "\n";
    return 2;
  }
  if (auto r = gateway::ApplyOverrides(routes, overrides); !r) {
    std::cerr << "ecommerce-platform: invalid configuration: " << r.error().detail << "\n";
    return 2;
  }
  if (const char* brokers = std::getenv("KAFKA_BROKERS"); brokers && *brokers) {
    std::cerr << "ecommerce-platform: KAFKA_BROKERS: the embedded shape uses the in-process bus; unset it\n";
    return 2;
  }
  if (auto r = runtime::InitProcess(cfg); !r) {
    std::cerr << "ecommerce-platform: " << r.error().detail << "\n";
    return 2;
  }

  events::InProcBus bus;
  http::Module gateway_module("api-gateway", 1);
  http::Pipeline pipeline({.service = "api-gateway"},
                          [&gateway_module](http::Request& r) { return gateway_module.Dispatch(r); });
  const http::ServerOptions so = runtime::ServerOptionsFrom(cfg);
  http::Server server(so, [&pipeline](http::Request& r) { return pipeline.Handle(r); });

  std::map<std::string, Hosted, std::less<>> hosted;
  auto lookup = [&hosted](std::string_view s) -> http::Upstream* {
    auto it = hosted.find(s);
    return it == hosted.end() ? nullptr : it->second.upstream.get();
  };
  std::shared_ptr<auth::TokenVerifier> verifier;

  auto host = [&](const std::string& name, const std::vector<db::Migration>& migrations) -> Hosted* {
    auto db = runtime::OpenDatabase(db_urls.at(name), name, migrations);
    if (!db) {
      std::cerr << "ecommerce-platform: " << name << " database: " << db.error().detail << "\n";
      return nullptr;
    }
    Hosted h;
    h.name = name;
    h.db = std::move(*db);
    h.module = std::make_unique<http::Module>(name, workers);
    auto* raw_db = h.db.get();
    h.module->SetReadinessProbe([raw_db] { return raw_db->Ping(); });
    h.module->MountOperations();
    h.upstream = std::make_unique<http::InProcessUpstream>(*h.module, server.executor());
    h.relay = std::make_unique<events::OutboxRelay>(*h.db, bus, events::RelayOptions{.service = name});
    h.ctx = std::make_unique<runtime::ServiceContext>(runtime::ServiceContext{
        name, *h.db, bus, *h.module, SystemClock::Instance(), verifier, cfg.data_dir,
        [&hosted](std::string_view s) -> http::Upstream& { return *hosted.at(std::string(s)).upstream; }});
    return &hosted.emplace(name, std::move(h)).first->second;
  };

  try {
    auto* users = host("user-service", user::Migrations());
    if (!users) return 1;
    auto user_component = std::make_unique<user::Component>(*users->ctx, user_cfg);
    verifier = std::make_shared<auth::TokenVerifier>(user_component->keys());
    users->component = std::move(user_component);

    auto* products = host("product-service", product::Migrations());
    if (!products) return 1;
    products->component = std::make_unique<product::Component>(*products->ctx, product_cfg);
    auto* orders = host("order-service", order::Migrations());
    if (!orders) return 1;
    orders->component = std::make_unique<order::Component>(*orders->ctx, order_cfg);
    auto* payments = host("payment-service", payment::Migrations());
    if (!payments) return 1;
    payments->component = std::make_unique<payment::Component>(*payments->ctx, payment_cfg);
  } catch (const std::exception& e) {
    std::cerr << "ecommerce-platform: start-up failed: " << e.what() << "\n";
    return 1;
  }

  gateway_module.SetReadinessProbe([&hosted] {
    for (auto& [_, h] : hosted)
      if (!h.module->Ready()) return false;
    return true;
  });
  gateway_module.MountOperations();
  gateway::Gateway gw(routes, lookup, verifier);
  gw.Mount(gateway_module);

  if (auto r = server.Start(); !r) {
    std::cerr << "ecommerce-platform: cannot listen on " << cfg.host << ":" << cfg.port << ": " << r.error().detail
              << "\n";
    return 1;
  }
  for (auto& [_, h] : hosted) {
    h.relay->Start();
    h.component->Start();
  }
  log::Info("listening", {{"host", cfg.host}, {"port", static_cast<std::int64_t>(server.port())}});
  std::printf("ecommerce-platform listening on http://%s:%u\n", cfg.host.c_str(), server.port());
  std::fflush(stdout);

  server.WaitForSignal();
  // Stop order: no new requests (done), background jobs, relays (finish the batch in hand),
  // worker pools, then the databases close with the Hosted objects.
  for (auto& [_, h] : hosted) h.component->Stop();
  for (auto& [_, h] : hosted) h.relay->Stop();
  for (auto& [_, h] : hosted) h.module->Stop();
  gateway_module.Stop();
  // Coroutine transactions still in flight (a PostgreSQL statement outliving the drain) end
  // before the server's executors go (a no-op on SQLite).
  for (auto& [_, h] : hosted) h.db->Quiesce(std::chrono::seconds(2));
  for (auto& [_, h] : hosted) h.component.reset();
  log::Info("stopped");
  log::Flush();
  return 0;
}

}  // namespace shop::embedded
