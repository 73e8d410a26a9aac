#include "config.hpp"

#include <algorithm>

namespace shop::order {

Config Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.payment_timeout_s = static_cast<int>(env.Int("ORDER_PAYMENT_TIMEOUT_S", c.payment_timeout_s, 1, 7 * 86400));
  // PENDING means the inventory never answered: give it far longer than a customer gets to pay.
  const std::int64_t pending_default = std::max<std::int64_t>(c.pending_timeout_s, 4LL * c.payment_timeout_s);
  c.pending_timeout_s = static_cast<int>(env.Int("ORDER_PENDING_TIMEOUT_S", pending_default, 1, 28 * 86400));
  c.sweep_interval_ms = static_cast<int>(env.Int("ORDER_SWEEP_INTERVAL_MS", c.sweep_interval_ms, 10, 3'600'000));
  return c;
}

}  // namespace shop::order
