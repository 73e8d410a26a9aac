// The Component as the host runs it: Start() runs the reservation sweeper with the configured TTL
// and period; Stop() joins it; DEMO_CATALOG loads the demo catalog into an empty store.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "harness.hpp"
#include "shop/http/module.hpp"
#include "wiring.hpp"

namespace shop::product {
namespace {

struct Host {
  testing::Harness h;
  http::Module module{"product-service", 1};
  runtime::ServiceContext ctx{"product-service", h.db(), h.bus, module, h.clock, nullptr, "", {}};
};

TEST(ComponentTest, StartRunsTheSweeperWithTheConfiguredTtl) {
  Host host;
  auto& h = host.h;
  Config cfg;
  cfg.reservation_ttl_s = 2;
  cfg.sweep_interval_ms = 10;
  Component component(host.ctx, cfg);
  component.Start();
  auto p = h.Add("TTL-1", 100, "x", 3);
  ASSERT_TRUE(h.bus.Publish(testing::OrderCreated("order-ttl", {{p.id, 3}})));
  EXPECT_EQ(h.Stock(p.id).reserved, 3);
  h.clock.Advance(1999);
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(h.Stock(p.id).reserved, 3);  // not yet expired
  h.clock.Advance(1);
  for (int i = 0; i < 300 && h.Stock(p.id).reserved != 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  component.Stop();
  component.Stop();  // idempotent
  EXPECT_EQ(h.Stock(p.id).reserved, 0);
  h.Drain();
  auto released = h.recorder.Of("InventoryReleased");
  ASSERT_EQ(released.size(), 1u);
  EXPECT_EQ(released[0].data.at("reason").as_string(), "expired");
  host.module.Stop();
}

TEST(ComponentTest, DemoCatalogFlagLoadsAnEmptyStoreOnly) {
  Host host;
  Config cfg;
  cfg.demo_catalog = true;
  { Component first(host.ctx, cfg); }
  auto cats = host.h.catalog.Categories();
  ASSERT_TRUE(cats);
  EXPECT_EQ(cats->size(), 8u);
  http::Module other{"product-service", 1};
  runtime::ServiceContext ctx2{"product-service", host.h.db(), host.h.bus, other, host.h.clock, nullptr, "", {}};
  Component second(ctx2, cfg);
  std::int64_t total = 0;
  for (const auto& c : *host.h.catalog.Categories()) total += c.product_count;
  EXPECT_EQ(total, kDemoCatalogSize);
  other.Stop();
  host.module.Stop();
}

}  // namespace
}  // namespace shop::product
