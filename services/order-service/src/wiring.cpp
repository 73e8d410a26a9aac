#include "wiring.hpp"

#include <stdexcept>

#include <boost/asio/thread_pool.hpp>

#include "api/routes.hpp"
#include "app/cart_service.hpp"
#include "app/order_service.hpp"
#include "app/saga.hpp"
#include "infra/event_consumers.hpp"
#include "infra/expiry_sweeper.hpp"
#include "infra/http_catalog_client.hpp"
#include "infra/sql_cart_repository.hpp"
#include "infra/sql_order_repository.hpp"
#include "shop/observability/metrics.hpp"

namespace shop::order {

struct Component::Impl {
  Impl(runtime::ServiceContext& ctx, Config cfg)
      : verifier(ctx.verifier),
        catalog(ctx.upstream("product-service")),
        deps{ctx.db, orders_repo, carts_repo, catalog, ctx.clock},
        orders(deps),
        carts(deps),
        saga(deps, app::ExpiryPolicy{cfg.payment_timeout_s * 1000LL, cfg.pending_timeout_s * 1000LL}),
        sweeper(saga, ctx.db, ctx.clock, cfg.sweep_interval_ms) {}

  std::shared_ptr<const auth::TokenVerifier> verifier;
  infra::SqlOrderRepository orders_repo;
  infra::SqlCartRepository carts_repo;
  infra::HttpCatalogClient catalog;
  app::Deps deps;
  app::OrderService orders;
  app::CartService carts;
  app::Saga saga;
  infra::ExpirySweeper sweeper;
};

Component::Component(runtime::ServiceContext& ctx, Config cfg) : impl_(std::make_unique<Impl>(ctx, cfg)) {
  if (!impl_->verifier) throw std::invalid_argument("order-service needs a token verifier");
  metrics::Describe("shop_orders_placed_total", "counter", "Orders created (idempotent replays excluded).");
  metrics::Describe("shop_orders_expired_total", "counter", "Unpaid orders cancelled by the expiry sweeper.");
  auto& router = ctx.module.router();
  api::MapCartRoutes(router, impl_->carts, *impl_->verifier);
  api::MapOrderRoutes(router, impl_->orders, *impl_->verifier, ctx.module.pool().get_executor());
  infra::SubscribeConsumers(ctx.bus, impl_->saga);
}

Component::~Component() { Stop(); }

void Component::Start() { impl_->sweeper.Start(); }

void Component::Stop() { impl_->sweeper.Stop(); }

runtime::ServiceSpec Spec(Config cfg) {
  return runtime::ServiceSpec{std::string(kServiceName), kDefaultPort, Migrations(),
                              [cfg](runtime::ServiceContext& ctx) -> std::unique_ptr<runtime::Component> {
                                return std::make_unique<Component>(ctx, cfg);
                              }};
}

}  // namespace shop::order
