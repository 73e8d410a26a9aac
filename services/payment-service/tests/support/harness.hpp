// Test support for payment_tests: a migrated temporary database, a fake OrderClient, a bus that
// records what the outbox relay publishes, and tokens minted for test users.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "app/payment_service.hpp"
#include "infra/sandbox_provider.hpp"
#include "infra/sql_payment_repository.hpp"
#include "shop/events/event.hpp"
#include "shop/testing/testing.hpp"

namespace shop::payment::testing {

inline constexpr std::string_view kAlice = "0193a000-0000-7000-8000-00000000a11c";
inline constexpr std::string_view kBob = "0193a000-0000-7000-8000-0000000000b0";
inline constexpr std::string_view kAdmin = "0193a000-0000-7000-8000-00000000ad31";

// A fresh SQLite file with the events, idempotency and payment migrations applied.
struct MigratedDatabase {
  shop::testing::TempDatabase temp;
  MigratedDatabase();
  db::Database& db() { return *temp.db; }
};

// Orders by id, each visible only to its owner (as the order-service does). Records calls.
class FakeOrderClient final : public app::OrderClient {
 public:
  void Put(domain::OrderSnapshot order);
  void SetStatus(const std::string& id, std::string status);
  void SetUnavailable(bool down) { down_ = down; }
  int calls() const { return calls_; }
  std::string last_authorization() const;
  Result<domain::OrderSnapshot> Get(std::string_view order_id, const app::Caller& caller) override;

 private:
  mutable std::mutex mu_;
  std::map<std::string, domain::OrderSnapshot, std::less<>> orders_;
  std::string last_authorization_;
  bool down_ = false;
  int calls_ = 0;
};

// Records every envelope published to it; Deliver() hands an event to the subscribers of its topic.
class RecordingBus final : public events::Bus {
 public:
  void Subscribe(std::string topic, std::string consumer, events::Handler handler) override;
  Result<void> Publish(const events::Envelope& e) override;
  // Ok when every subscriber of e.topic handled it; kNotFound when nobody subscribes to it.
  Result<void> Deliver(const events::Envelope& e);
  std::vector<std::string> consumers_of(std::string_view topic);
  std::vector<events::Envelope> Take();
  std::vector<events::Envelope> Drain(db::Database& db);  // relays the outbox, returns what it sent

 private:
  struct Sub {
    std::string topic, consumer;
    events::Handler handler;
  };
  std::mutex mu_;
  std::vector<events::Envelope> published_;
  std::vector<Sub> subs_;
};

// A RESERVED order of `user` worth `cents` USD, with a fresh id.
domain::OrderSnapshot ReservedOrder(std::string_view user, std::int64_t cents = 4999);

// The core wired with the real SQL repository and sandbox provider and a fake order-service.
struct AppHarness {
  MigratedDatabase database;
  ManualClock clock{1'795'478'400'000};  // 2026-11-24T00:00:00Z
  infra::SqlPaymentRepository repository;
  infra::SandboxProvider provider;
  FakeOrderClient orders;
  app::PaymentService service{database.db(), repository, orders, provider, clock};
  RecordingBus bus;

  app::Caller CallerFor(std::string_view user, bool admin = false) const;
  // Pays with `card_number` (exp 12/2030, CVC "123") without an Idempotency-Key.
  Result<app::PayOutcome> Pay(std::string_view user, const std::string& order_id, std::string card_number,
                              std::optional<app::IdempotencyScope> idem = std::nullopt, std::string cvc = "123");
  std::int64_t CountRows(std::string_view table_sql);
};

app::Rendered RenderForTest(const domain::Payment& p);

}  // namespace shop::payment::testing
