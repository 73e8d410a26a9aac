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

}  // namespace shop::user::api
