// The payments HTTP API (API-CONTRACT "Payments"), mounted on the service's Router:
//   POST /api/v1/payments                 (Bearer, Idempotency-Key) pay an order      -> 201
//   GET  /api/v1/payments/{id}            (owner or admin, else 404)                  -> 200
//   GET  /api/v1/payments?order_id=&limit=&cursor=  (own; admin: all)                 -> 200 list
//   POST /api/v1/payments/{id}/refund     (admin) full refund                         -> 200
// Handlers are blocking (the Module runs them on its worker pool): parse, call PaymentService, map
// the Result (http::Problem). Never logs; responses carry only the card's brand and last 4.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/payment_service.hpp"
#include "shop/auth/auth.hpp"
#include "shop/http/router.hpp"

namespace shop::payment::api {

struct RouteDeps {
  app::PaymentService& payments;
  std::shared_ptr<const auth::TokenVerifier> verifier;
  // The idempotency fingerprint of a request (keyed: see infra/fingerprint_key.hpp).
  std::function<std::string(const http::Request&)> fingerprint;
};

void MapPaymentRoutes(http::Router& router, RouteDeps deps);

}  // namespace shop::payment::api
