#include "config.hpp"

namespace shop::order {

Config Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.payment_timeout_s = static_cast<int>(env.Int("ORDER_PAYMENT_TIMEOUT_S", c.payment_timeout_s, 1, 7 * 86400));
  c.pending_timeout_s = static_cast<int>(env.Int("ORDER_PENDING_TIMEOUT_S", c.pending_timeout_s, 1, 7 * 86400));
  c.sweep_interval_ms = static_cast<int>(env.Int("ORDER_SWEEP_INTERVAL_MS", c.sweep_interval_ms, 10, 3'600'000));
  return c;
}

}  // namespace shop::order
