#include "app/user_events.hpp"

namespace shop::user {

events::Envelope UserCreated(const User& u, const Clock& clock) {
  return events::Make(std::string(kUsersTopic), "UserCreated", u.id,
                      {{"user_id", u.id},
                       {"email", u.email},
                       {"name", u.name},
                       {"is_admin", u.is_admin},
                       {"created_at", FormatRfc3339(u.created_at)}},
                      clock);
}

events::Envelope UserUpdated(const User& u, const std::vector<std::string>& changed, const Clock& clock) {
  boost::json::array names;
  for (const auto& c : changed) names.emplace_back(c);
  return events::Make(std::string(kUsersTopic), "UserUpdated", u.id,
                      {{"user_id", u.id}, {"updated_fields", std::move(names)}, {"updated_at", FormatRfc3339(u.updated_at)}},
                      clock);
}

events::Envelope UserDeleted(std::string_view user_id, const Clock& clock) {
  return events::Make(std::string(kUsersTopic), "UserDeleted", std::string(user_id),
                      {{"user_id", user_id}, {"deleted_at", FormatRfc3339(clock.NowMs())}}, clock);
}

}  // namespace shop::user
