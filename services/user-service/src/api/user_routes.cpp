// /api/v1/users: admin create and list, self-or-admin get/update, admin delete.
#include "api/dto.hpp"
#include "api/routes.hpp"
#include "shop/core/strings.hpp"
#include "shop/http/problem.hpp"
#include "shop/json/json.hpp"

namespace shop::user::api {

namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

http::Response Fail(const Error& e, const http::Request& req) { return http::Problem(e, req.ctx.request_id); }

Result<Actor> Caller(const http::Request& req, const auth::TokenVerifier& verifier) {
  auto p = auth::Authenticate(req, verifier);
  if (!p) return p.error();
  return Actor{p->user_id, p->is_admin};
}

http::Response CreateUser(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req) {
  auto actor = Caller(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (!actor->is_admin) return Fail(Error::Forbidden("admin role required"), req);
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  NewUser in;
  ReadNewUser(r, in);
  in.is_admin = r.Bool("is_admin", false).value_or(false);
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  auto user = users.Create(*actor, in);
  if (!user) return Fail(user.error(), req);
  auto res = json::Reply(201, ToJson(*user));
  res.headers.Set("Location", "/api/v1/users/" + user->id);
  return res;
}

http::Response GetUser(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req,
                       std::string_view id) {
  auto actor = Caller(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (id == "me") id = actor->user_id;
  auto user = users.Get(*actor, id);
  if (!user) return Fail(user.error(), req);
  return json::Reply(200, ToJson(*user));
}

http::Response UpdateUser(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req) {
  auto actor = Caller(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  std::string_view id = req.Param("id");
  if (id == "me") id = actor->user_id;
  // Ownership first: a customer learns nothing about another account's existence or body rules.
  if (id != actor->user_id && !actor->is_admin) return Fail(Error::Forbidden("you may only change your own account"), req);
  auto body = json::ParseBody(req);
  if (!body) return Fail(body.error(), req);
  json::ObjectReader r(*body);
  UserChanges changes;
  changes.email = r.String("email", false, 1, kMaxEmailLength);
  changes.name = r.String("name", false, kMinNameLength, kMaxNameLength);
  changes.password = r.String("password", false, kMinPasswordLength, kMaxPasswordLength, /*trim=*/false);
  if (auto st = r.Finish(); !st) return Fail(st.error(), req);
  auto user = users.Update(*actor, id, changes);
  if (!user) return Fail(user.error(), req);
  return json::Reply(200, ToJson(*user));
}

Result<int> PageSize(const http::Request& req) {
  auto raw = req.QueryParam("limit");
  if (!raw) return kDefaultPageSize;
  auto n = ParseInt(*raw);
  if (!n || *n < 1) return Error::BadRequest("limit must be a positive integer");
  return static_cast<int>(std::min<std::int64_t>(*n, kMaxPageSize));
}

http::Response ListUsers(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req) {
  auto actor = Caller(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (!actor->is_admin) return Fail(Error::Forbidden("admin role required"), req);
  auto limit = PageSize(req);
  if (!limit) return Fail(limit.error(), req);
  auto cursor = req.QueryParam("cursor");
  std::optional<std::string_view> c;
  if (cursor) c = *cursor;
  auto page = users.List(*actor, *limit, c);
  if (!page) return Fail(page.error(), req);
  return json::Reply(200, ToJson(*page));
}

http::Response DeleteUser(UserService& users, const auth::TokenVerifier& verifier, const http::Request& req) {
  auto actor = Caller(req, verifier);
  if (!actor) return Fail(actor.error(), req);
  if (auto st = users.Delete(*actor, req.Param("id")); !st) return Fail(st.error(), req);
  return http::Response::NoContent();
}

}  // namespace

void MapUserRoutes(http::Router& router, UserService& users, const auth::TokenVerifier& verifier) {
  router.Post("/api/v1/users", [&users, &verifier](http::Request& r) { return CreateUser(users, verifier, r); });
  router.Get("/api/v1/users", [&users, &verifier](http::Request& r) { return ListUsers(users, verifier, r); });
  router.Get("/api/v1/users/me", [&users, &verifier](http::Request& r) { return GetUser(users, verifier, r, "me"); });
  router.Get("/api/v1/users/{id}",
             [&users, &verifier](http::Request& r) { return GetUser(users, verifier, r, r.Param("id")); });
  router.Put("/api/v1/users/{id}", [&users, &verifier](http::Request& r) { return UpdateUser(users, verifier, r); });
  router.Delete("/api/v1/users/{id}", [&users, &verifier](http::Request& r) { return DeleteUser(users, verifier, r); });
}

}  // namespace shop::user::api
