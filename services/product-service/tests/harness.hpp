// Test harness: a migrated temporary database, a manual clock, the product-service's services over
// the real SQL repositories, and an in-process bus that records what the outbox publishes (Drain()
// pushes pending outbox rows through it). The database is SQLite in product_tests
// (harness_sqlite.cpp) and a fresh database on a private PostgreSQL server in product_pg_tests
// (pg/harness_pg.cpp): the same tests run against both drivers.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/catalog_service.hpp"
#include "app/inventory_service.hpp"
#include "infra/order_consumer.hpp"
#include "infra/sql_inventory_repository.hpp"
#include "infra/sql_product_repository.hpp"
#include "shop/events/relay.hpp"
#include "shop/testing/testing.hpp"

namespace shop::product::testing {

class Recorder {
 public:
  void Listen(events::Bus& bus, const std::string& topic);
  std::vector<events::Envelope> Of(std::string_view type) const;
  std::size_t Count(std::string_view type) const { return Of(type).size(); }

 private:
  mutable std::mutex mu_;
  std::vector<events::Envelope> seen_;
};

// A new, fully migrated (events, idempotency, product-service) database for one Harness; `dir`
// is a scratch directory that outlives it. Defined once per test binary (one per driver).
std::unique_ptr<db::Database> OpenTestDatabase(const shop::testing::TempDir& dir);

struct Harness {
  shop::testing::TempDir dir;
  std::unique_ptr<db::Database> database;
  ManualClock clock;
  infra::SqlProductRepository product_repo;
  infra::SqlInventoryRepository inventory_repo;
  CatalogService catalog;
  InventoryService inventory;
  events::InProcBus bus;
  Recorder recorder;
  events::OutboxRelay relay;

  Harness();
  db::Database& db() { return *database; }
  Repositories repos() { return {product_repo, inventory_repo}; }

  // Creates a product (asserting success) and sets its stock.
  Product Add(std::string sku, std::int64_t price_cents = 1000, std::string category = "misc", std::int64_t on_hand = 0,
              std::string name = {}, std::string description = {});
  StockLevel Stock(const std::string& product_id);
  // Publishes pending outbox rows to the recorder.
  void Drain();
};

ProductFields Fields(std::string sku, std::int64_t price_cents = 1000, std::string category = "misc");

// An envelope as the order-service would publish it.
events::Envelope OrderCreated(const std::string& order_id, const std::vector<OrderLine>& lines);
events::Envelope OrderEvent(const std::string& type, const std::string& order_id);

}  // namespace shop::product::testing
