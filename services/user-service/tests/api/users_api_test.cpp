// /api/v1/users: self vs other, admin-only routes, pagination, updates, delete.
#include <gtest/gtest.h>

#include <set>

#include "harness.hpp"
#include "shop/json/json.hpp"

namespace shop::user {
namespace {

using http::Method;
using testing::Harness;

std::string Json(const boost::json::object& o) { return json::Serialize(o); }

class UsersApiTest : public ::testing::Test {
 protected:
  UsersApiTest() {
    ann_id_ = h_.Register("ann@example.com", "ann-password");
    bob_id_ = h_.Register("bob@example.com", "bob-password");
    ann_ = h_.Login("ann@example.com", "ann-password");
    bob_ = h_.Login("bob@example.com", "bob-password");
    admin_ = h_.AdminLogin();
  }
  Harness h_;
  std::string ann_id_, bob_id_;
  testing::Tokens ann_, bob_, admin_;
};

TEST_F(UsersApiTest, MeReturnsTheCaller) {
  auto res = h_.Call(Method::kGet, "/api/v1/users/me", {}, ann_.access);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Harness::Body(res).at("id").as_string(), ann_id_);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users/me").status, 401);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users/me", {}, "garbage.token.here").status, 401);
}

TEST_F(UsersApiTest, GetIsSelfOrAdminAndAnotherUserIsNotFound) {
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users/" + ann_id_, {}, ann_.access).status, 200);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users/" + ann_id_, {}, admin_.access).status, 200);
  auto other = h_.Call(Method::kGet, "/api/v1/users/" + ann_id_, {}, bob_.access);
  auto missing = h_.Call(Method::kGet, "/api/v1/users/" + std::string("01936b8e-0000-7000-8000-000000000000"), {},
                         bob_.access);
  EXPECT_EQ(other.status, 404) << "existence is not revealed";
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Harness::Body(other).at("detail"), Harness::Body(missing).at("detail"));
}

TEST_F(UsersApiTest, PutOnAnotherUserIsForbidden) {
  auto res = h_.Call(Method::kPut, "/api/v1/users/" + ann_id_, Json({{"name", "Hacked"}}), bob_.access);
  EXPECT_EQ(res.status, 403);
  EXPECT_EQ(Harness::Body(h_.Call(Method::kGet, "/api/v1/users/me", {}, ann_.access)).at("name"), "Ann");
}

TEST_F(UsersApiTest, UpdateChangesOnlyTheGivenFields) {
  h_.clock.Advance(5000);
  auto res = h_.Call(Method::kPut, "/api/v1/users/" + ann_id_, Json({{"name", "Ann Lee"}, {"is_admin", true}}),
                     ann_.access);
  ASSERT_EQ(res.status, 200) << res.body;
  auto body = Harness::Body(res);
  EXPECT_EQ(body.at("name"), "Ann Lee");
  EXPECT_EQ(body.at("email"), "ann@example.com");
  EXPECT_EQ(body.at("is_admin"), false) << "is_admin cannot be set through PUT";
  EXPECT_NE(body.at("updated_at"), body.at("created_at"));
}

TEST_F(UsersApiTest, UpdateValidatesAndRejectsATakenEmail) {
  auto bad = h_.Call(Method::kPut, "/api/v1/users/" + ann_id_, Json({{"email", "nope"}, {"password", "x"}}), ann_.access);
  ASSERT_EQ(bad.status, 422) << bad.body;
  auto taken = h_.Call(Method::kPut, "/api/v1/users/" + ann_id_, Json({{"email", "BOB@example.com"}}), ann_.access);
  EXPECT_EQ(taken.status, 409) << taken.body;
  auto ok = h_.Call(Method::kPut, "/api/v1/users/me", Json({{"email", "Ann.Lee@Example.com"}}), ann_.access);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Harness::Body(ok).at("email"), "ann.lee@example.com");
  h_.Login("ann.lee@example.com", "ann-password");
}

TEST_F(UsersApiTest, PasswordChangeRevokesRefreshTokensAndTheNewPasswordWorks) {
  auto res = h_.Call(Method::kPut, "/api/v1/users/" + ann_id_, Json({{"password", "brand-new-pass"}}), ann_.access);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", ann_.refresh}})).status, 401);
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "ann@example.com"}, {"password", "ann-password"}})).status, 401);
  h_.Login("ann@example.com", "brand-new-pass");
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", bob_.refresh}})).status, 200)
      << "other users keep their sessions";
}

TEST_F(UsersApiTest, AdminMayUpdateAnyone) {
  auto res = h_.Call(Method::kPut, "/api/v1/users/" + bob_id_, Json({{"name", "Robert"}}), admin_.access);
  ASSERT_EQ(res.status, 200) << res.body;
  EXPECT_EQ(Harness::Body(res).at("name"), "Robert");
}

TEST_F(UsersApiTest, AdminOnlyRoutesAreForbiddenForCustomers) {
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users", {}, ann_.access).status, 403);
  EXPECT_EQ(h_.Call(Method::kDelete, "/api/v1/users/" + bob_id_, {}, ann_.access).status, 403);
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/users",
                    Json({{"email", "new@example.com"}, {"password", "long-enough"}, {"name", "N"}}), ann_.access)
                .status,
            403);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users").status, 401);
}

TEST_F(UsersApiTest, AdminCreatesUsersIncludingAdmins) {
  auto res = h_.Call(Method::kPost, "/api/v1/users",
                     Json({{"email", "ops@example.com"}, {"password", "ops-password"}, {"name", "Ops"}, {"is_admin", true}}),
                     admin_.access);
  ASSERT_EQ(res.status, 201) << res.body;
  EXPECT_EQ(Harness::Body(res).at("is_admin"), true);
  auto ops = h_.Login("ops@example.com", "ops-password");
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users", {}, ops.access).status, 200);
}

TEST_F(UsersApiTest, ListPaginatesWithACursor) {
  for (int i = 0; i < 4; ++i) h_.Register("user" + std::to_string(i) + "@example.com", "long-enough");
  // 7 users: root, ann, bob, user0..3.
  std::vector<std::string> ids;
  std::string target = "/api/v1/users?limit=3";
  for (int page = 0; page < 5; ++page) {
    auto res = h_.Call(Method::kGet, target, {}, admin_.access);
    ASSERT_EQ(res.status, 200) << res.body;
    auto body = Harness::Body(res);
    for (const auto& u : body.at("items").as_array()) {
      ids.emplace_back(u.at("id").as_string());
      EXPECT_FALSE(u.as_object().contains("password_hash"));
    }
    if (body.at("next_cursor").is_null()) break;
    EXPECT_EQ(body.at("items").as_array().size(), 3u);
    target = "/api/v1/users?limit=3&cursor=" + std::string(body.at("next_cursor").as_string());
  }
  ASSERT_EQ(ids.size(), 7u);
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), 7u);
}

TEST_F(UsersApiTest, ListRejectsAForgedCursorAndABadLimit) {
  auto res = h_.Call(Method::kGet, "/api/v1/users?limit=1", {}, admin_.access);
  auto cursor = std::string(Harness::Body(res).at("next_cursor").as_string());
  cursor[cursor.size() / 2] = cursor[cursor.size() / 2] == 'A' ? 'B' : 'A';
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users?cursor=" + cursor, {}, admin_.access).status, 400);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users?cursor=garbage", {}, admin_.access).status, 400);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users?limit=-1", {}, admin_.access).status, 400);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users?limit=abc", {}, admin_.access).status, 400);
  auto capped = h_.Call(Method::kGet, "/api/v1/users?limit=1000", {}, admin_.access);
  ASSERT_EQ(capped.status, 200);
  EXPECT_EQ(Harness::Body(capped).at("items").as_array().size(), 3u);
  EXPECT_TRUE(Harness::Body(capped).at("next_cursor").is_null());
}

TEST_F(UsersApiTest, AdminDeletesAUserWhoseSessionsEnd) {
  EXPECT_EQ(h_.Call(Method::kDelete, "/api/v1/users/" + bob_id_, {}, admin_.access).status, 204);
  EXPECT_EQ(h_.Call(Method::kGet, "/api/v1/users/" + bob_id_, {}, admin_.access).status, 404);
  EXPECT_EQ(h_.Call(Method::kDelete, "/api/v1/users/" + bob_id_, {}, admin_.access).status, 404);
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/auth/refresh", Json({{"refresh_token", bob_.refresh}})).status, 401);
  EXPECT_EQ(h_.Call(Method::kPost, "/api/v1/auth/login", Json({{"email", "bob@example.com"}, {"password", "bob-password"}})).status, 401);
}

}  // namespace
}  // namespace shop::user
