// The built-in `sandbox` PaymentProvider: a card processor's test mode (API-CONTRACT "Payments").
//   4242424242424242 -> succeeds
//   4000000000000002 -> declined, failure_reason "card_declined"
//   4000000000009995 -> declined, failure_reason "insufficient_funds"
//   any other card that passed validation -> succeeds
// The decision is a pure function of the card number: no I/O, no state, no money moves, so it is
// safe to decide before the payment's transaction (PaymentService::Pay). Refunds always succeed.
// Thread-safe.
#pragma once

#include "app/ports.hpp"

namespace shop::payment::infra {

inline constexpr std::string_view kSandboxSuccess = "4242424242424242";
inline constexpr std::string_view kSandboxDeclined = "4000000000000002";
inline constexpr std::string_view kSandboxInsufficientFunds = "4000000000009995";

class SandboxProvider final : public app::PaymentProvider {
 public:
  std::string_view name() const override { return "sandbox"; }
  Result<app::ChargeOutcome> Charge(const app::ChargeRequest& req, const domain::Card& card) override;
  Result<void> Refund(const domain::Payment& payment) override;
};

}  // namespace shop::payment::infra
