#include "support/harness.hpp"

#include "api/dto.hpp"
#include "shop/core/ids.hpp"
#include "shop/events/relay.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "shop/json/json.hpp"
#include "wiring.hpp"

namespace shop::payment::testing {

MigratedDatabase::MigratedDatabase() {
  auto check = [](Result<void> r) {
    if (!r) throw std::runtime_error("migration failed: " + r.error().detail);
  };
  check(db::Migrate(*temp.db, "events", events::SchemaMigrations()));
  check(db::Migrate(*temp.db, "idempotency", idempotency::SchemaMigrations()));
  check(db::Migrate(*temp.db, "payment-service", Migrations()));
}

void FakeOrderClient::Put(domain::OrderSnapshot order) {
  std::lock_guard lock(mu_);
  orders_[order.id] = std::move(order);
}

void FakeOrderClient::SetStatus(const std::string& id, std::string status) {
  std::lock_guard lock(mu_);
  orders_.at(id).status = std::move(status);
}

std::string FakeOrderClient::last_authorization() const {
  std::lock_guard lock(mu_);
  return last_authorization_;
}

Result<domain::OrderSnapshot> FakeOrderClient::Get(std::string_view order_id, const app::Caller& caller) {
  std::lock_guard lock(mu_);
  ++calls_;
  last_authorization_ = caller.authorization;
  if (down_) return Error::Unavailable("order-service unavailable", 1);
  auto it = orders_.find(order_id);
  if (it == orders_.end() || (it->second.user_id != caller.user_id && !caller.is_admin)) {
    return Error::NotFound("order not found");
  }
  return it->second;
}

void RecordingBus::Subscribe(std::string topic, std::string consumer, events::Handler handler) {
  std::lock_guard lock(mu_);
  subs_.push_back({std::move(topic), std::move(consumer), std::move(handler)});
}

Result<void> RecordingBus::Deliver(const events::Envelope& e) {
  std::vector<events::Handler> handlers;
  {
    std::lock_guard lock(mu_);
    for (const auto& s : subs_) {
      if (s.topic == e.topic) handlers.push_back(s.handler);
    }
  }
  if (handlers.empty()) return Error::NotFound("no subscriber for topic " + e.topic);
  for (const auto& h : handlers) {
    if (auto r = h(e); !r) return r;
  }
  return Ok();
}

std::vector<std::string> RecordingBus::consumers_of(std::string_view topic) {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  for (const auto& s : subs_) {
    if (s.topic == topic) out.push_back(s.consumer);
  }
  return out;
}

Result<void> RecordingBus::Publish(const events::Envelope& e) {
  std::lock_guard lock(mu_);
  published_.push_back(e);
  return Ok();
}

std::vector<events::Envelope> RecordingBus::Take() {
  std::lock_guard lock(mu_);
  return std::exchange(published_, {});
}

std::vector<events::Envelope> RecordingBus::Drain(db::Database& db) {
  events::OutboxRelay relay(db, *this, {.service = "payment-service"});
  auto n = relay.Drain();
  if (!n) throw std::runtime_error("outbox drain failed: " + n.error().detail);
  return Take();
}

domain::OrderSnapshot ReservedOrder(std::string_view user, std::int64_t cents) {
  return {NewId(), std::string(user), "RESERVED", cents, "USD"};
}

app::Caller AppHarness::CallerFor(std::string_view user, bool admin) const {
  app::Caller c;
  c.user_id = std::string(user);
  c.is_admin = admin;
  c.authorization = "Bearer test-token-of-" + std::string(user);
  c.trace.request_id = "req-test";
  return c;
}

Result<app::PayOutcome> AppHarness::Pay(std::string_view user, const std::string& order_id, std::string card_number,
                                        std::optional<app::IdempotencyScope> idem, std::string cvc) {
  app::PayCommand cmd{order_id, {std::move(card_number), 12, 2030, std::move(cvc)}};
  return service.Pay(CallerFor(user), cmd, idem, RenderForTest);
}

std::int64_t AppHarness::CountRows(std::string_view sql) {
  auto n = database.db().Read([&](db::Tx& tx) -> Result<std::int64_t> {
    auto row = tx.QueryOne(sql);
    if (!row) return row.error();
    return *row ? (*row)->Int(0) : 0;
  });
  if (!n) throw std::runtime_error("count failed: " + n.error().detail);
  return *n;
}

app::Rendered RenderForTest(const domain::Payment& p) { return {201, json::Serialize(api::ToJson(p))}; }

}  // namespace shop::payment::testing
