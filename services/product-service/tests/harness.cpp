#include "harness.hpp"

#include <gtest/gtest.h>

#include <boost/json/array.hpp>

#include "wiring.hpp"

namespace shop::product::testing {

void Recorder::Listen(events::Bus& bus, const std::string& topic) {
  bus.Subscribe(topic, "recorder", [this](const events::Envelope& e) {
    std::lock_guard lock(mu_);
    seen_.push_back(e);
    return Ok();
  });
}

std::vector<events::Envelope> Recorder::Of(std::string_view type) const {
  std::lock_guard lock(mu_);
  std::vector<events::Envelope> out;
  for (const auto& e : seen_) {
    if (e.event_type == type) out.push_back(e);
  }
  return out;
}

Harness::Harness()
    : database(OpenTestDatabase(dir)),
      catalog(*database, Repositories{product_repo, inventory_repo}, clock),
      inventory(*database, Repositories{product_repo, inventory_repo}, clock),
      relay(*database, bus, events::RelayOptions{"product-service-test"}) {
  recorder.Listen(bus, "inventory");
  recorder.Listen(bus, "products");
}

Product Harness::Add(std::string sku, std::int64_t price_cents, std::string category, std::int64_t on_hand,
                     std::string name, std::string description) {
  auto f = Fields(std::move(sku), price_cents, std::move(category));
  if (!name.empty()) f.name = std::move(name);
  f.description = std::move(description);
  auto p = catalog.Create(f);
  EXPECT_TRUE(p) << (p ? "" : p.error().detail);
  if (!p) throw ErrorException(p.error());
  if (on_hand > 0) {
    auto s = inventory.SetOnHand(p->id, on_hand);
    EXPECT_TRUE(s);
    p->stock_available = on_hand;
  }
  clock.Advance(1);
  return *p;
}

StockLevel Harness::Stock(const std::string& product_id) {
  auto s = db().Read([&](db::Tx& tx) -> Result<StockLevel> {
    auto row = tx.QueryOne("SELECT product_id, on_hand, reserved FROM inventory WHERE product_id = $1", {product_id});
    if (!row) return row.error();
    if (!*row) return Error::NotFound("no inventory row");
    return StockLevel{(*row)->Text(0), (*row)->Int(1), (*row)->Int(2)};
  });
  if (!s) throw ErrorException(s.error());
  return *s;
}

void Harness::Drain() {
  auto n = relay.Drain();
  if (!n) throw ErrorException(n.error());
}

ProductFields Fields(std::string sku, std::int64_t price_cents, std::string category) {
  ProductFields f;
  f.name = "Product " + sku;
  f.sku = std::move(sku);
  f.price_cents = price_cents;
  f.category = std::move(category);
  return f;
}

events::Envelope OrderCreated(const std::string& order_id, const std::vector<OrderLine>& lines) {
  boost::json::array items;
  std::int64_t total = 0;
  for (const auto& l : lines) {
    items.push_back({{"product_id", l.product_id}, {"quantity", l.quantity}, {"unit_price_cents", 100}});
    total += 100 * l.quantity;
  }
  boost::json::object data{{"order_id", order_id},
                           {"user_id", "u1"},
                           {"items", std::move(items)},
                           {"total_cents", total},
                           {"currency", "USD"}};
  return events::Make("orders", "OrderCreated", order_id, std::move(data));
}

events::Envelope OrderEvent(const std::string& type, const std::string& order_id) {
  return events::Make("orders", type, order_id, boost::json::object{{"order_id", order_id}});
}

}  // namespace shop::product::testing
