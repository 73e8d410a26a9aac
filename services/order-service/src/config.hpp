// The order-service's own settings (process-wide ones such as PORT and DATABASE_URL are read by
// libs/runtime):
//   ORDER_PAYMENT_TIMEOUT_S   RESERVED orders unpaid for longer are cancelled (default 900)
//   ORDER_PENDING_TIMEOUT_S   PENDING orders the inventory never answered are cancelled
//                             (default max(3600, 4 x ORDER_PAYMENT_TIMEOUT_S))
//   ORDER_SWEEP_INTERVAL_MS   how often the expiry sweeper runs (default 5000)
#pragma once

#include "shop/config/env.hpp"

namespace shop::order {

struct Config {
  int payment_timeout_s = 900;
  int pending_timeout_s = 3600;
  int sweep_interval_ms = 5000;

  // Problems are collected in `env` (call env.Finish()).
  static Config FromEnv(config::EnvReader& env);
};

}  // namespace shop::order
