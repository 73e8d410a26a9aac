#include "api/dto.hpp"

#include "shop/json/json.hpp"

namespace shop::payment::api {

Result<app::PayCommand> ParsePayCommand(const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return body.error();
  json::ObjectReader r(*body);
  app::PayCommand cmd;
  if (auto id = r.String("order_id", true, 1, 64)) cmd.order_id = std::move(*id);
  if (const auto* pm = r.Object("payment_method", true)) {
    json::ObjectReader card(*pm, "payment_method.");
    if (auto n = card.String("card_number", true, 1, 64)) cmd.card.number = std::move(*n);
    // Range checks (1..12, expiry) belong to the domain: wide bounds here only reject absurd values.
    if (auto m = card.Int("exp_month", true, -1'000'000, 1'000'000)) cmd.card.exp_month = *m;
    if (auto y = card.Int("exp_year", true, -1'000'000, 1'000'000)) cmd.card.exp_year = *y;
    // The CVC is a string of digits ("012"); a JSON integer is accepted as its decimal digits.
    if (const auto* cvc = pm->if_contains("cvc"); cvc && cvc->is_int64()) {
      cmd.card.cvc = std::to_string(cvc->get_int64());
    } else if (auto c = card.String("cvc", true, 1, 16)) {
      cmd.card.cvc = std::move(*c);
    }
    r.Absorb(card);
  }
  if (auto ok = r.Finish(); !ok) return ok.error();
  return cmd;
}

boost::json::object ToJson(const domain::Payment& p) {
  boost::json::object o;
  o["id"] = p.id;
  o["order_id"] = p.order_id;
  o["status"] = domain::ToString(p.status);
  o["amount_cents"] = p.amount_cents;
  o["currency"] = p.currency;
  if (p.failure_reason) o["failure_reason"] = *p.failure_reason;
  o["card_brand"] = domain::ToString(p.card.brand);
  o["card_last4"] = p.card.last4;
  o["created_at"] = FormatRfc3339(p.created_at);
  if (p.refunded_at) o["refunded_at"] = FormatRfc3339(*p.refunded_at);
  return o;
}

}  // namespace shop::payment::api
