// JSON shapes of the user-service (API-CONTRACT "Identity"). A user never carries its hash.
#pragma once

#include <boost/json/object.hpp>

#include "app/user_service.hpp"

namespace shop::user::api {

// {"id","email","name","is_admin","created_at","updated_at"}
boost::json::object ToJson(const User& u);
// {"access_token","refresh_token","token_type":"Bearer","expires_in"}
boost::json::object ToJson(const TokenPair& t);
// {"items":[...],"next_cursor":"..."|null}
boost::json::object ToJson(const UserPage& p);

}  // namespace shop::user::api
