// product-service configuration, read once from the environment and validated at start-up.
//   RESERVATION_TTL_S    how long an unpaid order holds stock (default 900 = 15 min)
//   RESERVATION_SWEEP_MS how often expired reservations are released (default 1000)
//   CATALOG_CACHE_MAX_AGE_S  Cache-Control max-age on public reads (default 30)
//   DEMO_CATALOG         1: load the demo catalog at start when the store is empty (default 0)
// (DATABASE_URL, PORT and CURSOR_SECRET are the host's: shop::runtime.)
#pragma once

#include <cstdint>

#include "shop/config/env.hpp"

namespace shop::product {

struct Config {
  std::int64_t reservation_ttl_s = 900;
  std::int64_t sweep_interval_ms = 1000;
  std::int64_t cache_max_age_s = 30;
  bool demo_catalog = false;

  // Problems are collected in `env` (the caller calls env.Finish(), once for every component
  // sharing the reader, as the all-in-one does); a bad variable keeps its default here.
  static Config FromEnv(config::EnvReader& env);
};

}  // namespace shop::product
