// The payment-service component: builds the core (PaymentService), its infrastructure (SQL
// repository, sandbox provider, order-service client, fingerprint key), mounts the payments routes
// on the host's Module and subscribes the "orders" consumer on its Bus. Used by main.cpp
// (shop::runtime::RunService) and by apps/all-in-one.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "shop/db/migrations.hpp"
#include "shop/runtime/runtime.hpp"

namespace shop::payment {

inline constexpr std::string_view kServiceName = "payment-service";
inline constexpr std::uint16_t kDefaultPort = 8004;

// The service's own migrations (migrations/sqlite), generated at build time.
std::vector<db::Migration> Migrations();

class Component final : public runtime::Component {
 public:
  // Throws std::runtime_error when the service cannot start (e.g. its fingerprint key file in
  // ctx.data_dir cannot be created). ctx must outlive the component.
  Component(runtime::ServiceContext& ctx, Config cfg);
  ~Component() override;

  // A background thread that purges expired idempotency keys (Config::purge_interval_ms).
  void Start() override;
  void Stop() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shop::payment
