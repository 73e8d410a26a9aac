// Test support for order_tests: a fake catalog, an app harness on a real (temporary) SQLite
// database with every migration applied and a ManualClock, and an API harness that mounts the
// routes on an http::Module and mints real EdDSA tokens.
#pragma once

#include <atomic>
#include <map>
#include <mutex>

#include "api/routes.hpp"
#include "app/cart_service.hpp"
#include "app/order_service.hpp"
#include "app/saga.hpp"
#include "infra/sql_cart_repository.hpp"
#include "infra/sql_order_repository.hpp"
#include "shop/auth/signer.hpp"
#include "shop/events/event.hpp"
#include "shop/http/module.hpp"
#include "shop/testing/testing.hpp"

namespace shop::order::testing {

class FakeCatalog final : public app::CatalogClient {
 public:
  void Put(app::CatalogProduct p);
  void Remove(const std::string& id);
  void SetDown(bool down) { down_ = down; }
  int calls() const { return calls_; }
  Result<std::optional<app::CatalogProduct>> Find(std::string_view product_id,
                                                  const http::RequestContext& ctx) override;

 private:
  std::mutex mu_;
  std::map<std::string, app::CatalogProduct, std::less<>> products_;
  std::atomic<bool> down_{false};
  std::atomic<int> calls_{0};
};

// Products every harness starts with.
inline const app::CatalogProduct kWidget{"p-widget", "W-1", "Widget", 1999, "USD"};
inline const app::CatalogProduct kGadget{"p-gadget", "G-2", "Gadget", 500, "USD"};
inline const app::CatalogProduct kEuroThing{"p-euro", "E-3", "Euro thing", 700, "EUR"};

domain::ShippingAddress Address();

class AppHarness {
 public:
  explicit AppHarness(app::ExpiryPolicy policy = {});

  db::Database& db() { return *tdb; }
  // Events appended to the outbox so far (optionally only one type), in commit order.
  std::vector<events::Envelope> Outbox(std::string_view type = {});
  std::string OrderStatus(std::string_view order_id);

  // Places an order of `lines` for `actor` without an idempotency key; returns the order.
  Result<domain::Order> Place(const app::Actor& actor, std::vector<domain::RequestedLine> lines);
  // Places, then applies InventoryReserved: a RESERVED order.
  domain::Order Reserved(const app::Actor& actor, std::int64_t quantity = 1);

  shop::testing::TempDatabase tdb;
  ManualClock clock;
  FakeCatalog catalog;
  infra::SqlOrderRepository orders_repo;
  infra::SqlCartRepository carts_repo;
  app::Deps deps;
  app::OrderService orders;
  app::CartService carts;
  app::Saga saga;
};

inline const app::Actor kAlice{"user-alice", false};
inline const app::Actor kBob{"user-bob", false};
inline const app::Actor kAdmin{"user-admin", true};

struct Call {
  http::Method method = http::Method::kGet;
  std::string target;
  std::string body;
  std::string token;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ApiHarness : public AppHarness {
 public:
  ApiHarness();
  ~ApiHarness();
  http::Response Send(Call call);
  std::string Token(const app::Actor& actor) const;

  std::shared_ptr<auth::KeySet> keys;
  auth::Signer signer;
  std::shared_ptr<const auth::TokenVerifier> verifier;
  http::Module module;
};

// A minimal valid order body for `product_id` x `quantity`.
std::string OrderBody(std::string_view product_id, int quantity);

}  // namespace shop::order::testing
