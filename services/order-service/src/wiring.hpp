// The order-service component: builds the SQL repositories, the catalog client (over the
// "product-service" upstream), the app services, mounts the routes on the host's Module,
// subscribes the saga consumers on the bus, and runs the expiry sweeper between Start() and Stop().
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "shop/db/migrations.hpp"
#include "shop/runtime/runtime.hpp"

namespace shop::order {

inline constexpr std::string_view kServiceName = "order-service";
inline constexpr std::uint16_t kDefaultPort = 8003;

std::vector<db::Migration> Migrations();  // generated from migrations/sqlite

class Component final : public runtime::Component {
 public:
  Component(runtime::ServiceContext& ctx, Config cfg);
  ~Component() override;
  void Start() override;
  void Stop() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The ServiceSpec for runtime::RunService and the all-in-one host.
runtime::ServiceSpec Spec(Config cfg);

}  // namespace shop::order
