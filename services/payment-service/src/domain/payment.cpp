#include "domain/payment.hpp"

namespace shop::payment::domain {

std::string_view ToString(PaymentStatus s) {
  switch (s) {
    case PaymentStatus::kSucceeded: return "SUCCEEDED";
    case PaymentStatus::kFailed: return "FAILED";
    case PaymentStatus::kRefunded: return "REFUNDED";
  }
  return "FAILED";
}

std::optional<PaymentStatus> ParseStatus(std::string_view s) {
  for (auto st : {PaymentStatus::kSucceeded, PaymentStatus::kFailed, PaymentStatus::kRefunded}) {
    if (ToString(st) == s) return st;
  }
  return std::nullopt;
}

Result<void> CheckRefundable(const Payment& p) {
  if (p.status != PaymentStatus::kSucceeded) {
    return Error::Conflict("payment is " + std::string(ToString(p.status)) +
                           "; only a SUCCEEDED payment can be refunded");
  }
  return Ok();
}

Result<void> Refund(Payment& p, UnixMillis now) {
  if (auto r = CheckRefundable(p); !r) return r.error();
  p.status = PaymentStatus::kRefunded;
  p.refunded_at = now;
  p.updated_at = now;
  return Ok();
}

}  // namespace shop::payment::domain
