#include "config.hpp"

namespace shop::payment {

Result<Config> Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.provider = env.Choice("PAYMENT_PROVIDER", "sandbox", {"sandbox", "stripe"});
  c.purge_interval_ms = env.Int("IDEMPOTENCY_PURGE_INTERVAL_MS", c.purge_interval_ms, 1'000, 86'400'000);
  if (auto r = env.Finish(); !r) return r.error();
  if (c.provider == "stripe") {
    return Error::Invalid("PAYMENT_PROVIDER",
                          "\"stripe\" is not available in this build: a Stripe provider (Payment Intents, "
                          "configured by STRIPE_API_KEY) is future work, see ADR 0004; use \"sandbox\"");
  }
  return c;
}

}  // namespace shop::payment
