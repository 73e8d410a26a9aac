#include "support/harness.hpp"

#include <boost/asio/thread_pool.hpp>

#include <stdexcept>

#include "shop/core/ids.hpp"
#include "shop/db/migrations.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "wiring.hpp"

namespace shop::order::testing {

void FakeCatalog::Put(app::CatalogProduct p) {
  std::lock_guard lock(mu_);
  products_[p.id] = std::move(p);
}

void FakeCatalog::Remove(const std::string& id) {
  std::lock_guard lock(mu_);
  products_.erase(id);
}

Result<std::optional<app::CatalogProduct>> FakeCatalog::Find(std::string_view product_id,
                                                             const http::RequestContext&) {
  ++calls_;
  if (down_) return Error::Unavailable("catalog down");
  std::lock_guard lock(mu_);
  auto it = products_.find(product_id);
  if (it == products_.end()) return std::optional<app::CatalogProduct>{};
  return std::optional<app::CatalogProduct>{it->second};
}

domain::ShippingAddress Address() {
  return {"Ada Lovelace", "1 Analytical Way", std::nullopt, "London", std::nullopt, "N1 9GU", "GB"};
}

namespace {

db::Database& Migrated(db::Database& db) {
  for (auto* step : {"events", "idempotency", "order-service"}) {
    const std::string_view name = step;
    auto migrations = name == "events"        ? events::SchemaMigrations()
                      : name == "idempotency" ? idempotency::SchemaMigrations()
                                              : order::Migrations();
    if (auto ok = db::Migrate(db, name, migrations); !ok) throw std::runtime_error("migrate: " + ok.error().detail);
  }
  return db;
}

}  // namespace

AppHarness::AppHarness(app::ExpiryPolicy policy)
    : deps{Migrated(*tdb), orders_repo, carts_repo, catalog, clock},
      orders(deps),
      carts(deps),
      saga(deps, policy) {
  catalog.Put(kWidget);
  catalog.Put(kGadget);
  catalog.Put(kEuroThing);
}

std::vector<events::Envelope> AppHarness::Outbox(std::string_view type) {
  auto rows = db().Read([&](db::Tx& tx) {
    return tx.Query("SELECT payload, topic, key, event_type FROM outbox ORDER BY seq");
  });
  if (!rows) throw std::runtime_error(rows.error().detail);
  std::vector<events::Envelope> out;
  for (const auto& r : *rows) {
    if (!type.empty() && r.Text(3) != type) continue;
    auto e = events::Envelope::FromJson(r.Text(0), r.Text(1), r.Text(2));
    if (!e) throw std::runtime_error(e.error().detail);
    out.push_back(std::move(*e));
  }
  return out;
}

std::string AppHarness::OrderStatus(std::string_view order_id) {
  auto o = orders.Get(kAdmin, order_id);
  if (!o) return "ERROR: " + o.error().detail;
  return std::string(domain::ToString(o->status));
}

Result<domain::Order> AppHarness::Place(const app::Actor& actor, std::vector<domain::RequestedLine> lines) {
  app::PlaceOrderCommand cmd;
  cmd.items = std::move(lines);
  cmd.shipping_address = Address();
  std::optional<domain::Order> placed;
  auto render = [&](const domain::Order& o) {
    placed = o;
    return app::Rendered{201, o.id};
  };
  auto out = orders.Place(actor, cmd, std::nullopt, render, {});
  if (!out) return out.error();
  return *placed;
}

domain::Order AppHarness::Reserved(const app::Actor& actor, std::int64_t quantity) {
  auto o = Place(actor, {{kWidget.id, quantity}});
  if (!o) throw std::runtime_error(o.error().detail);
  if (auto r = saga.OnInventoryReserved(NewId(), o->id, std::nullopt); !r) throw std::runtime_error(r.error().detail);
  auto got = orders.Get(kAdmin, o->id);
  if (!got) throw std::runtime_error(got.error().detail);
  return *got;
}

ApiHarness::ApiHarness()
    : keys(std::make_shared<auth::KeySet>()),
      signer(auth::Signer::Generate()),
      verifier(nullptr),
      module("order-service", 4) {
  keys->Put(signer.kid(), signer.public_key());
  verifier = std::make_shared<const auth::TokenVerifier>(keys);
  api::MapCartRoutes(module.router(), carts, *verifier);
  api::MapOrderRoutes(module.router(), orders, *verifier, module.pool().get_executor());
}

ApiHarness::~ApiHarness() { module.Stop(); }

std::string ApiHarness::Token(const app::Actor& actor) const {
  return signer.Sign(auth::Claims::For(actor.user_id, actor.user_id + "@example.com", actor.is_admin));
}

http::Response ApiHarness::Send(Call call) {
  http::Request req;
  req.method = call.method;
  req.method_name = std::string(http::ToString(call.method));
  req.SetTarget(call.target);
  if (!call.body.empty()) req.headers.Set("Content-Type", "application/json");
  if (!call.token.empty()) req.headers.Set("Authorization", "Bearer " + call.token);
  for (auto& [k, v] : call.headers) req.headers.Set(k, v);
  req.body = std::move(call.body);
  req.ctx.request_id = "test-request";
  return shop::testing::RunAwait(module.Dispatch(req));
}

std::string OrderBody(std::string_view product_id, int quantity) {
  return R"({"items":[{"product_id":")" + std::string(product_id) + R"(","quantity":)" + std::to_string(quantity) +
         R"(}],"shipping_address":{"name":"Ada Lovelace","line1":"1 Analytical Way","city":"London",)"
         R"("postal_code":"N1 9GU","country":"GB"}})";
}

}  // namespace shop::order::testing
