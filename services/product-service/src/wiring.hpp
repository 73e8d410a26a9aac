// The product-service component: catalog + inventory, built from what the host gives
// (runtime::ServiceContext). The constructor mounts the routes on ctx.module, subscribes the order
// consumer to topic "orders" on ctx.bus and, with DEMO_CATALOG=1, loads the demo catalog into an
// empty store. Start() starts the reservation sweeper; Stop() joins it.
// Used by main.cpp (its own process) and apps/all-in-one (one module of four).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "infra/demo_catalog.hpp"
#include "shop/db/migrations.hpp"
#include "shop/runtime/runtime.hpp"

namespace shop::product {

inline constexpr std::string_view kServiceName = "product-service";
inline constexpr std::uint16_t kDefaultPort = 8002;

// Generated from migrations/sqlite (cmake/Migrations.cmake).
std::vector<db::Migration> Migrations();
// Generated from migrations/pg: the same versions for PostgreSQL (tsvector + GIN in place of FTS5).
std::vector<db::Migration> PgMigrations();

class Component final : public runtime::Component {
 public:
  Component(runtime::ServiceContext& ctx, Config cfg);
  ~Component() override;
  void Start() override;
  void Stop() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The ServiceSpec for runtime::RunService (name, default port, migrations, mount).
runtime::ServiceSpec Spec(Config cfg);

}  // namespace shop::product
