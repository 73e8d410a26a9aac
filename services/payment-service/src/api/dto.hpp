// JSON shapes of the payments API (API-CONTRACT "Payments"):
//   request  {"order_id", "payment_method": {"card_number", "exp_month", "exp_year", "cvc"}}
//   payment  {"id", "order_id", "status", "amount_cents", "currency", "failure_reason"?,
//             "card_brand", "card_last4", "created_at"}
// Unknown fields are ignored. Wrong types -> kBadRequest; missing values -> kInvalid. Error
// messages never contain the submitted card number or CVC.
#pragma once

#include <boost/json/object.hpp>

#include "app/payment_service.hpp"
#include "shop/http/message.hpp"

namespace shop::payment::api {

Result<app::PayCommand> ParsePayCommand(const http::Request& req);

boost::json::object ToJson(const domain::Payment& p);

}  // namespace shop::payment::api
