// A payment of one order and its status machine:
//   (charge) -> SUCCEEDED | FAILED;   SUCCEEDED -> REFUNDED (full refund). Nothing else moves.
// A FAILED payment is final (the customer pays again with a new payment); an order has at most one
// SUCCEEDED-or-REFUNDED payment (enforced by a unique index in the store).
// The card appears only as brand + last 4. Pure: std + shop/core only.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"
#include "domain/card.hpp"

namespace shop::payment::domain {

enum class PaymentStatus { kSucceeded, kFailed, kRefunded };

// "SUCCEEDED", "FAILED", "REFUNDED"
std::string_view ToString(PaymentStatus s);
std::optional<PaymentStatus> ParseStatus(std::string_view s);

struct Payment {
  std::string id;
  std::string order_id;
  std::string user_id;  // the order's owner, who paid
  PaymentStatus status = PaymentStatus::kFailed;
  std::int64_t amount_cents = 0;
  std::string currency;
  std::optional<std::string> failure_reason;  // "card_declined", "insufficient_funds" (FAILED only)
  CardSummary card;
  std::string provider;                        // "sandbox"
  std::optional<std::string> provider_ref;     // the provider's id for the charge
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  std::optional<UnixMillis> refunded_at;
};

// SUCCEEDED -> REFUNDED at `now`; kConflict naming the current status otherwise.
Result<void> Refund(Payment& p, UnixMillis now);

// kConflict "payment is FAILED; only a SUCCEEDED payment can be refunded" unless SUCCEEDED.
Result<void> CheckRefundable(const Payment& p);

}  // namespace shop::payment::domain
