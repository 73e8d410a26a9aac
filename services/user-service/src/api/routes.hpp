// Route mounting for the user-service (API-CONTRACT "Identity" + GET /.well-known/jwks.json).
// Every handler is blocking: the Module runs it on the user-service worker pool, where the
// Argon2id hashing of register/login/password change happens (a bulkhead: a login burst saturates
// this pool only, never an I/O thread or another service's pool).
#pragma once

#include "app/user_service.hpp"
#include "shop/auth/auth.hpp"
#include "shop/http/router.hpp"

namespace shop::user::api {

struct RouteOptions {
  // Use the last X-Forwarded-For address as the client IP (login throttling). Only behind a
  // trusted proxy (the gateway) that overwrites/appends it: a client could otherwise pick its own.
  bool trust_forwarded_for = false;
};

void MapAuthRoutes(http::Router& router, UserService& users, const auth::TokenVerifier& verifier,
                   const auth::KeySet& keys, RouteOptions options);
void MapUserRoutes(http::Router& router, UserService& users, const auth::TokenVerifier& verifier);

}  // namespace shop::user::api
