// The SQL repositories on a real SQLite database (migrated with the embedded 0001_init.sql).
#include <gtest/gtest.h>

#include "infra/sql_user_repository.hpp"
#include "shop/core/ids.hpp"
#include "shop/db/migrations.hpp"
#include "shop/testing/testing.hpp"
#include "wiring.hpp"

namespace shop::user {
namespace {

class SqlRepositoryTest : public ::testing::Test {
 protected:
  SqlRepositoryTest() { EXPECT_TRUE(db::Migrate(*db_, kServiceName, Migrations())); }
  User NewUser(std::string email) {
    return User{NewId(), std::move(email), "N", "$argon2id$fake", false, 1000, 1000};
  }
  shop::testing::TempDatabase db_;
  SqlUserRepository users_;
  SqlRefreshTokenRepository tokens_;
};

TEST_F(SqlRepositoryTest, UserRoundTripsAndEmailIsUnique) {
  auto u = NewUser("ann@example.com");
  u.is_admin = true;
  ASSERT_TRUE(db_->Write([&](db::Tx& tx) { return users_.Insert(tx, u); }));
  auto found = db_->Read([&](db::Tx& tx) { return users_.FindByEmail(tx, "ann@example.com"); });
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->id, u.id);
  EXPECT_TRUE((*found)->is_admin);
  EXPECT_EQ((*found)->password_hash, u.password_hash);
  auto dup = db_->Write([&](db::Tx& tx) { return users_.Insert(tx, NewUser("ann@example.com")); });
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::kConflict);
}

TEST_F(SqlRepositoryTest, ListAfterIsKeysetPaginationById) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    auto u = NewUser("u" + std::to_string(i) + "@x.io");
    ids.push_back(u.id);
    ASSERT_TRUE(db_->Write([&](db::Tx& tx) { return users_.Insert(tx, u); }));
  }
  auto page = db_->Read([&](db::Tx& tx) { return users_.ListAfter(tx, ids[1], 2); });
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].id, ids[2]);
  EXPECT_EQ((*page)[1].id, ids[3]);
}

TEST_F(SqlRepositoryTest, RefreshTokenIsUsedOnceAndFamiliesRevokeTogether) {
  auto token = [](std::string hash, std::string family) {
    return RefreshToken{std::move(hash), std::move(family), "user-1", 0, 10'000, std::nullopt, std::nullopt};
  };
  ASSERT_TRUE(db_->Write([&](db::Tx& tx) -> Result<void> {
    if (auto r = tokens_.Insert(tx, token("h1", "f1")); !r) return r;
    if (auto r = tokens_.Insert(tx, token("h2", "f1")); !r) return r;
    return tokens_.Insert(tx, token("h3", "f2"));
  }));
  auto first = db_->Write([&](db::Tx& tx) { return tokens_.MarkUsed(tx, "h1", 5); });
  auto second = db_->Write([&](db::Tx& tx) { return tokens_.MarkUsed(tx, "h1", 6); });
  ASSERT_TRUE(first && second);
  EXPECT_TRUE(*first);
  EXPECT_FALSE(*second) << "a token is used at most once";
  auto revoked = db_->Write([&](db::Tx& tx) { return tokens_.RevokeFamily(tx, "f1", 7); });
  ASSERT_TRUE(revoked);
  EXPECT_EQ(*revoked, 2);
  auto h2 = db_->Read([&](db::Tx& tx) { return tokens_.Find(tx, "h2"); });
  auto h3 = db_->Read([&](db::Tx& tx) { return tokens_.Find(tx, "h3"); });
  EXPECT_EQ((*h2)->revoked_at, 7);
  EXPECT_FALSE((*h3)->revoked_at);
  auto gone = db_->Write([&](db::Tx& tx) { return tokens_.DeleteExpired(tx, 20'000); });
  EXPECT_EQ(*gone, 3);
}

}  // namespace
}  // namespace shop::user
