#include "api/dto.hpp"

namespace shop::user::api {

boost::json::object ToJson(const User& u) {
  return {{"id", u.id},
          {"email", u.email},
          {"name", u.name},
          {"is_admin", u.is_admin},
          {"created_at", FormatRfc3339(u.created_at)},
          {"updated_at", FormatRfc3339(u.updated_at)}};
}

boost::json::object ToJson(const TokenPair& t) {
  return {{"access_token", t.access_token},
          {"refresh_token", t.refresh_token},
          {"token_type", "Bearer"},
          {"expires_in", t.expires_in_s}};
}

boost::json::object ToJson(const UserPage& p) {
  boost::json::array items;
  for (const auto& u : p.items) items.push_back(ToJson(u));
  boost::json::object out{{"items", std::move(items)}};
  if (p.next_cursor) {
    out["next_cursor"] = *p.next_cursor;
  } else {
    out["next_cursor"] = nullptr;
  }
  return out;
}

void ReadNewUser(json::ObjectReader& r, NewUser& in) {
  in.email = r.String("email", true, 1, kMaxEmailLength).value_or("");
  if (!in.email.empty()) {
    if (auto problem = EmailProblem(NormalizeEmail(in.email))) r.AddError("email", *problem);
  }
  in.name = r.String("name", true, kMinNameLength, kMaxNameLength).value_or("");
  in.password = r.String("password", true, kMinPasswordLength, kMaxPasswordLength, /*trim=*/false).value_or("");
}

}  // namespace shop::user::api
