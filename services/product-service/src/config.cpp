#include "config.hpp"

namespace shop::product {

Config Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.reservation_ttl_s = env.Int("RESERVATION_TTL_S", c.reservation_ttl_s, 1, 7 * 24 * 3600);
  c.sweep_interval_ms = env.Int("RESERVATION_SWEEP_MS", c.sweep_interval_ms, 10, 3'600'000);
  c.cache_max_age_s = env.Int("CATALOG_CACHE_MAX_AGE_S", c.cache_max_age_s, 0, 86'400);
  c.demo_catalog = env.Bool("DEMO_CATALOG", c.demo_catalog);
  return c;
}

}  // namespace shop::product
