#include "config.hpp"

namespace shop::payment {

Result<Config> Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.provider = env.Choice("PAYMENT_PROVIDER", "sandbox", {"sandbox", "stripe"});
  if (auto r = env.Finish(); !r) return r.error();
  if (c.provider == "stripe") {
    return Error::Invalid("PAYMENT_PROVIDER",
                          "\"stripe\" is not available in this build: a Stripe provider (Payment Intents, "
                          "configured by STRIPE_API_KEY) is future work, see docs/adr/0005; use \"sandbox\"");
  }
  return c;
}

}  // namespace shop::payment
