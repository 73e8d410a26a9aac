// payment-service configuration, read once at start-up from the environment:
//   PAYMENT_PROVIDER  "sandbox" (default; the only provider built in). "stripe" is recognised and
//                     rejected: a Stripe provider configured by STRIPE_API_KEY is future work (see ADR 0004).
// Process-level settings (PORT, DATABASE_URL, ...) are read by shop::runtime.
#pragma once

#include <cstdint>
#include <string>

#include "shop/config/env.hpp"
#include "shop/core/error.hpp"

namespace shop::payment {

struct Config {
  std::string provider = "sandbox";
  // IDEMPOTENCY_PURGE_INTERVAL_MS: how often expired Idempotency-Keys are deleted (a key is
  // honoured for 24 h either way; this only reclaims storage).
  std::int64_t purge_interval_ms = 3'600'000;

  // kInvalid naming the variable on a bad value (problems are also collected in `env`).
  static Result<Config> FromEnv(config::EnvReader& env);
};

}  // namespace shop::payment
