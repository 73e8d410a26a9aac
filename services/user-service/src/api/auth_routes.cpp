// POST /api/v1/auth/{register,login,refresh,logout} and GET /.well-known/jwks.json.
#include "api/dto.hpp"
#include "api/routes.hpp"
#include "shop/core/strings.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::user::api {

namespace {

http::Response Fail(const Error& e, const http::Request& req) { return http::Problem(e, req.ctx.request_id); }

http::Response TokenReply(const TokenPair& pair) {
  auto res = json::Reply(200, ToJson(pair));
  res.headers.Set("Cache-Control", "no-store");  // RFC 6749 §5.1
  res.headers.Set("Pragma", "no-cache");
  return res;
}

std::string ClientIp(const http::Request& req, const RouteOptions& options) {
  if (options.trust_forwarded_for) {
    if (auto xff = req.Header("X-Forwarded-For")) {
      auto parts = Split(*xff, ',');
      auto last = Trim(parts.back());
      if (!last.empty()) return std::string(last);
    }
  }
  return req.remote_addr;
}

http::Response Register(UserService& users, const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  NewUser in;
  ReadNewUser(r, in);
  // "is_admin" is deliberately not read: registration always creates a customer.
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  auto user = users.Register(in);
  if (!user) return Fail(user.error(), req);
  auto res = json::Reply(201, ToJson(*user));
  res.headers.Set("Location", "/api/v1/users/" + user->id);
  return res;
}

http::Response Login(UserService& users, const RouteOptions& options, const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  auto email = r.String("email", true, 1, 1024);
  auto password = r.String("password", true, 1, 1024, /*trim=*/false);
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  auto pair = users.Login(*email, *password, ClientIp(req, options));
  if (!pair) return Fail(pair.error(), req);
  return TokenReply(*pair);
}

http::Response Refresh(UserService& users, const http::Request& req) {
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  auto token = r.String("refresh_token", true, 1, 512, /*trim=*/false);
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  auto pair = users.Refresh(*token);
  if (!pair) return Fail(pair.error(), req);
  return TokenReply(*pair);
}

http::Response Logout(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req) {
  auto principal = auth::Authenticate(req, verifier);
  if (!principal) return Fail(principal.error(), req);
  auto body = json::ParseBody(req, /*allow_empty=*/true);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  auto token = r.String("refresh_token", false, 1, 512, /*trim=*/false);
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  std::optional<std::string_view> refresh;
  if (token) refresh = *token;
  if (auto st = users.Logout({principal->user_id, principal->is_admin}, refresh); !st) return Fail(st.error(), req);
  return http::Response::NoContent();
}

http::Response Jwks(const auth::KeySet& keys) {
  auto res = http::Response::Json(200, keys.ToJwks());
  res.headers.Set("Cache-Control", "public, max-age=300");
  return res;
}

}  // namespace

void MapAuthRoutes(http::Router& router, UserService& users, const auth::TokenVerifier& verifier,
                   const auth::KeySet& keys, RouteOptions options) {
  router.Post("/api/v1/auth/register", [&users](http::Request& r) { return Register(users, r); });
  router.Post("/api/v1/auth/login", [&users, options](http::Request& r) { return Login(users, options, r); });
  router.Post("/api/v1/auth/refresh", [&users](http::Request& r) { return Refresh(users, r); });
  router.Post("/api/v1/auth/logout", [&users, &verifier](http::Request& r) { return Logout(users, verifier, r); });
  router.Get("/.well-known/jwks.json", [&keys](http::Request&) { return Jwks(keys); });
}

}  // namespace shop::user::api
