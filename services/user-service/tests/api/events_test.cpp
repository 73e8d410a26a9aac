// UserCreated / UserUpdated / UserDeleted reach topic "users" through the outbox, never a secret.
#include <gtest/gtest.h>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using http::Method;
using testing::Harness;

TEST(UserEventsTest, RegisterPublishesUserCreated) {
  Harness h;
  const auto id = h.Register("ann@example.com", "ann-password");
  std::vector<events::Envelope> created;
  for (auto& e : h.Published()) {
    if (e.event_type == "UserCreated" && e.key == id) created.push_back(e);
  }
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(created[0].topic, "users");
  EXPECT_EQ(created[0].data.at("user_id").as_string(), id);
  EXPECT_EQ(created[0].data.at("email"), "ann@example.com");
  EXPECT_EQ(created[0].data.at("is_admin"), false);
  EXPECT_EQ(created[0].ToJson().find("ann-password"), std::string::npos);
  EXPECT_EQ(created[0].ToJson().find("argon2"), std::string::npos);
}

TEST(UserEventsTest, UpdatePublishesTheChangedFieldNamesOnly) {
  Harness h;
  const auto id = h.Register("ann@example.com", "ann-password");
  auto t = h.Login("ann@example.com", "ann-password");
  auto res = h.Call(Method::kPut, "/api/v1/users/" + id,
                    json::Serialize(boost::json::object{{"name", "Ann Lee"}, {"password", "new-secret-pw"}}), t.access);
  ASSERT_EQ(res.status, 200) << res.body;
  std::vector<events::Envelope> updated;
  for (auto& e : h.Published()) {
    if (e.event_type == "UserUpdated") updated.push_back(e);
  }
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].data.at("user_id").as_string(), id);
  EXPECT_EQ(updated[0].data.at("updated_fields"), (boost::json::array{"name", "password"}));
  const auto wire = updated[0].ToJson();
  EXPECT_EQ(wire.find("new-secret-pw"), std::string::npos);
  EXPECT_EQ(wire.find("ann-password"), std::string::npos);
  EXPECT_EQ(wire.find("argon2"), std::string::npos);
  EXPECT_EQ(wire.find("Ann Lee"), std::string::npos) << "names, not values";
}

TEST(UserEventsTest, NoOpUpdatePublishesNothing) {
  Harness h;
  const auto id = h.Register("ann@example.com", "ann-password");
  auto t = h.Login("ann@example.com", "ann-password");
  h.Published();
  auto res = h.Call(Method::kPut, "/api/v1/users/" + id, json::Serialize(boost::json::object{{"name", "Ann"}}), t.access);
  ASSERT_EQ(res.status, 200);
  for (auto& e : h.Published()) EXPECT_NE(e.event_type, "UserUpdated");
}

TEST(UserEventsTest, FailedRegistrationPublishesNothing) {
  Harness h;
  h.Register("ann@example.com", "ann-password");
  const auto before = h.Published().size();
  h.Call(Method::kPost, "/api/v1/auth/register",
         json::Serialize(boost::json::object{{"email", "ANN@example.com"}, {"password", "ann-password"}, {"name", "A"}}));
  EXPECT_EQ(h.Published().size(), before);
}

TEST(UserEventsTest, DeletePublishesUserDeleted) {
  Harness h;
  const auto id = h.Register("ann@example.com", "ann-password");
  auto admin = h.AdminLogin();
  ASSERT_EQ(h.Call(Method::kDelete, "/api/v1/users/" + id, {}, admin.access).status, 204);
  bool seen = false;
  for (auto& e : h.Published()) seen |= e.event_type == "UserDeleted" && e.key == id;
  EXPECT_TRUE(seen);
}

}  // namespace
}  // namespace shop::user
