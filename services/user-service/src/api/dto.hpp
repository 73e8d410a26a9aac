// JSON shapes of the user-service (API-CONTRACT "Identity"). A user never carries its hash.
#pragma once

#include <boost/json/object.hpp>

#include "app/user_service.hpp"
#include "shop/json/json.hpp"

namespace shop::user::api {

// {"id","email","name","is_admin","created_at","updated_at"}
boost::json::object ToJson(const User& u);
// {"access_token","refresh_token","token_type":"Bearer","expires_in"}
boost::json::object ToJson(const TokenPair& t);
// {"items":[...],"next_cursor":"..."|null}
boost::json::object ToJson(const UserPage& p);

// Reads {email, name, password} of a new account into `in`, reporting a malformed email together
// with the other field errors (one 422 naming every field). Errors are left in `r`.
void ReadNewUser(json::ObjectReader& r, NewUser& in);

}  // namespace shop::user::api
