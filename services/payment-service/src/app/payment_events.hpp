// The payment-service's outgoing events, topic "payments", key = order id (per-order ordering):
//   PaymentSucceeded {payment_id, order_id, user_id, amount_cents, currency}
//   PaymentFailed    {payment_id, order_id, reason}
//   PaymentRefunded  {payment_id, order_id, amount_cents, reason}   reason: "admin" | "order_payment_rejected"
// and the one it consumes, topic "orders":
//   OrderPaymentRejected {order_id, payment_id}: the order could not take the payment (it was
//   cancelled or expired while the charge went through) -> the payment is refunded.
// No card data in any of them.
#pragma once

#include <string_view>

#include "domain/payment.hpp"
#include "shop/events/event.hpp"

namespace shop::payment::app {

inline constexpr std::string_view kPaymentsTopic = "payments";
inline constexpr std::string_view kOrdersTopic = "orders";
inline constexpr std::string_view kConsumerName = "payment-service";
inline constexpr std::string_view kOrderPaymentRejected = "OrderPaymentRejected";

inline constexpr std::string_view kRefundByAdmin = "admin";
inline constexpr std::string_view kRefundOrderRejected = "order_payment_rejected";

// PaymentSucceeded or PaymentFailed, by the payment's status.
events::Envelope ChargeEvent(const domain::Payment& p, const Clock& clock);
events::Envelope RefundEvent(const domain::Payment& p, std::string_view reason, const Clock& clock);

}  // namespace shop::payment::app
