// The events the user-service publishes on topic "users" (key: the user id), through the outbox:
//   UserCreated {user_id, email, name, is_admin, created_at}
//   UserUpdated {user_id, changed: ["email"|"name"|"password"...], updated_at}  (names only: never
//               a value, so never a password or its hash)
//   UserDeleted {user_id, deleted_at}
#pragma once

#include <string>
#include <vector>

#include "domain/user.hpp"
#include "shop/events/event.hpp"

namespace shop::user {

inline constexpr std::string_view kUsersTopic = "users";

events::Envelope UserCreated(const User& u, const Clock& clock);
events::Envelope UserUpdated(const User& u, const std::vector<std::string>& changed, const Clock& clock);
events::Envelope UserDeleted(std::string_view user_id, const Clock& clock);

}  // namespace shop::user
