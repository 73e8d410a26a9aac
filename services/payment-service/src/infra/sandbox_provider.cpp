#include "infra/sandbox_provider.hpp"

namespace shop::payment::infra {

Result<app::ChargeOutcome> SandboxProvider::Charge(const app::ChargeRequest& req, const domain::Card& card) {
  app::ChargeOutcome out;
  out.provider_ref = "sandbox_ch_" + req.payment_id;
  if (card.number() == kSandboxDeclined) {
    out.failure_reason = "card_declined";
  } else if (card.number() == kSandboxInsufficientFunds) {
    out.failure_reason = "insufficient_funds";
  } else {
    out.succeeded = true;
  }
  return out;
}

Result<void> SandboxProvider::Refund(const domain::Payment& /*payment*/) { return Ok(); }

}  // namespace shop::payment::infra
