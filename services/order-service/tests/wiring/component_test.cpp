// The whole component as the host builds it: routes on a Module, the catalog reached through an
// in-process upstream to a stub product-service, consumers on an in-process bus fed by the outbox
// relay. Walks the saga: place -> (stub inventory reserves) -> RESERVED -> payment -> PAID + OrderPaid.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/parse.hpp>

#include <thread>

#include "shop/events/relay.hpp"
#include "shop/http/upstream.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "support/harness.hpp"
#include "wiring.hpp"

namespace shop::order::testing {
namespace {

class ComponentTest : public ::testing::Test {
 protected:
  ComponentTest() {
    keys->Put(signer.kid(), signer.public_key());
    product.router().Get("/api/v1/products/{id}", [](http::Request& r) {
      if (r.Param("id") != "p-widget") return http::Response::Json(404, R"({"status":404})");
      return http::Response::Json(200, R"({"id":"p-widget","sku":"W-1","name":"Widget","price_cents":1999,)"
                                       R"("currency":"USD","stock_available":10})");
    });
    io_thread = std::thread([this] { io.run(); });
    Migrate();
    // A stub inventory: reserves every order it hears of.
    bus.Subscribe("orders", "stub-inventory", [this](const events::Envelope& e) -> Result<void> {
      seen_types.push_back(e.event_type);
      if (e.event_type != "OrderCreated") return Ok();
      return bus.Publish(events::Make("inventory", "InventoryReserved", e.key,
                                      {{"order_id", e.key}, {"expires_at", "2030-01-01T00:00:00.000Z"}}));
    });
    component = std::make_unique<Component>(ctx, Config{60, 600, 50});
  }
  ~ComponentTest() override {
    component->Stop();
    module.Stop();
    product.Stop();
    guard.reset();
    io.stop();
    io_thread.join();
  }
  void Migrate() {
    ASSERT_TRUE(db::Migrate(*tdb, "events", events::SchemaMigrations()));
    ASSERT_TRUE(db::Migrate(*tdb, "idempotency", idempotency::SchemaMigrations()));
    ASSERT_TRUE(db::Migrate(*tdb, "order-service", Migrations()));
  }
  http::Response Send(http::Method m, std::string target, std::string body = {}) {
    http::Request req;
    req.method = m;
    req.SetTarget(std::move(target));
    if (!body.empty()) req.headers.Set("Content-Type", "application/json");
    req.headers.Set("Authorization", "Bearer " + signer.Sign(auth::Claims::For("user-1", "u@example.com", false)));
    req.body = std::move(body);
    return shop::testing::RunAwait(module.Dispatch(req));
  }
  std::string StatusOf(const std::string& id) {
    auto r = Send(http::Method::kGet, "/api/v1/orders/" + id);
    return std::string(boost::json::parse(r.body).at("status").as_string());
  }

  shop::testing::TempDatabase tdb;
  ManualClock clock;
  events::InProcBus bus;
  std::shared_ptr<auth::KeySet> keys = std::make_shared<auth::KeySet>();
  auth::Signer signer = auth::Signer::Generate();
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread io_thread;
  http::Module product{"product-service", 1};
  http::InProcessUpstream catalog{product, io.get_executor()};
  http::Module module{"order-service", 2};
  runtime::ServiceContext ctx{"order-service",
                              *tdb,
                              bus,
                              module,
                              clock,
                              std::make_shared<const auth::TokenVerifier>(keys),
                              "/tmp",
                              [this](std::string_view) -> http::Upstream& { return catalog; }};
  std::vector<std::string> seen_types;
  std::unique_ptr<Component> component;
};

TEST_F(ComponentTest, CheckoutWalksThroughTheSagaOverTheBus) {
  events::OutboxRelay relay(*tdb, bus, {"order-service"});
  auto placed = Send(http::Method::kPost, "/api/v1/orders", OrderBody("p-widget", 2));
  ASSERT_EQ(placed.status, 201) << placed.body;
  const std::string id(boost::json::parse(placed.body).at("id").as_string());
  EXPECT_EQ(StatusOf(id), "PENDING");

  ASSERT_TRUE(relay.Drain());  // OrderCreated -> stub inventory -> InventoryReserved -> consumer
  EXPECT_EQ(StatusOf(id), "RESERVED");

  ASSERT_TRUE(bus.Publish(events::Make("payments", "PaymentSucceeded", id,
                                       {{"payment_id", "pay-1"}, {"order_id", id}, {"amount_cents", 3998},
                                        {"currency", "USD"}})));
  EXPECT_EQ(StatusOf(id), "PAID");
  ASSERT_TRUE(relay.Drain());
  EXPECT_EQ(seen_types, (std::vector<std::string>{"OrderCreated", "OrderPaid"}));
}

TEST_F(ComponentTest, CartReadsTheCatalogThroughTheUpstream) {
  auto put = Send(http::Method::kPut, "/api/v1/cart/items/p-widget", R"({"quantity":2})");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(boost::json::parse(put.body).at("total_cents").as_int64(), 3998);
  EXPECT_EQ(Send(http::Method::kPut, "/api/v1/cart/items/p-unknown", R"({"quantity":1})").status, 422);
}

TEST_F(ComponentTest, StartRunsTheExpirySweeper) {
  auto placed = Send(http::Method::kPost, "/api/v1/orders", OrderBody("p-widget", 1));
  ASSERT_EQ(placed.status, 201);
  const std::string id(boost::json::parse(placed.body).at("id").as_string());
  events::OutboxRelay relay(*tdb, bus, {"order-service"});
  ASSERT_TRUE(relay.Drain());
  component->Start();
  clock.Advance(61'000);
  for (int i = 0; i < 100 && StatusOf(id) != "CANCELLED"; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(StatusOf(id), "CANCELLED");
  component->Stop();
}

}  // namespace
}  // namespace shop::order::testing
