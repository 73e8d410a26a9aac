#include "wiring.hpp"

#include <boost/asio/thread_pool.hpp>

#include "api/routes.hpp"
#include "app/catalog_service.hpp"
#include "app/inventory_service.hpp"
#include "infra/order_consumer.hpp"
#include "infra/sql_inventory_repository.hpp"
#include "infra/sql_product_repository.hpp"
#include "infra/sweeper.hpp"

namespace shop::product {

struct Component::Impl {
  infra::SqlProductRepository product_repo;
  infra::SqlInventoryRepository inventory_repo;
  CatalogService catalog;
  InventoryService inventory;
  infra::OrderConsumer consumer;
  infra::ReservationSweeper sweeper;

  Impl(runtime::ServiceContext& ctx, const Config& cfg)
      : catalog(ctx.db, Repositories{product_repo, inventory_repo}, ctx.clock),
        inventory(ctx.db, Repositories{product_repo, inventory_repo}, ctx.clock,
                  InventoryOptions{cfg.reservation_ttl_s * 1000}),
        consumer(ctx.db, inventory),
        sweeper(inventory, static_cast<int>(cfg.sweep_interval_ms)) {}
};

Component::Component(runtime::ServiceContext& ctx, Config cfg) : impl_(std::make_unique<Impl>(ctx, cfg)) {
  if (cfg.demo_catalog) {
    // A store that already has products is left alone; a database error fails start-up.
    if (auto r = LoadDemoCatalog(ctx.db, ctx.clock); !r) throw ErrorException(r.error());
  }
  api::MapProductRoutes(ctx.module.router(), impl_->catalog, ctx.verifier, ctx.module.pool().get_executor(),
                        api::RouteOptions{static_cast<int>(cfg.cache_max_age_s)});
  api::MapInventoryRoutes(ctx.module.router(), impl_->inventory, ctx.verifier);
  impl_->consumer.SubscribeTo(ctx.bus);
}

Component::~Component() { Stop(); }

void Component::Start() { impl_->sweeper.Start(); }

void Component::Stop() { impl_->sweeper.Stop(); }

runtime::ServiceSpec Spec(Config cfg) {
  runtime::ServiceSpec spec;
  spec.name = std::string(kServiceName);
  spec.default_port = kDefaultPort;
  spec.migrations = Migrations();
  spec.pg_migrations = PgMigrations();
  spec.mount = [cfg](runtime::ServiceContext& ctx) -> std::unique_ptr<runtime::Component> {
    return std::make_unique<Component>(ctx, cfg);
  };
  return spec;
}

}  // namespace shop::product
