// UserRepository over shop::db (portable SQL: SQLite now, PostgreSQL in issue 6).
#pragma once

#include "app/ports.hpp"

namespace shop::user {

class SqlUserRepository final : public UserRepository {
 public:
  Result<void> Insert(db::Tx& tx, const User& u) override;
  Result<std::optional<User>> FindById(db::Tx& tx, std::string_view id) override;
  Result<std::optional<User>> FindByEmail(db::Tx& tx, std::string_view normalized_email) override;
  Result<void> Update(db::Tx& tx, const User& u) override;
  Result<bool> Delete(db::Tx& tx, std::string_view id) override;
  Result<std::vector<User>> ListAfter(db::Tx& tx, std::string_view after_id, int limit) override;
};

class SqlRefreshTokenRepository final : public RefreshTokenRepository {
 public:
  Result<void> Insert(db::Tx& tx, const RefreshToken& t) override;
  Result<std::optional<RefreshToken>> Find(db::Tx& tx, std::string_view token_hash) override;
  Result<bool> MarkUsed(db::Tx& tx, std::string_view token_hash, UnixMillis now) override;
  Result<std::int64_t> RevokeFamily(db::Tx& tx, std::string_view family_id, UnixMillis now) override;
  Result<std::int64_t> RevokeAllOfUser(db::Tx& tx, std::string_view user_id, UnixMillis now) override;
  Result<std::int64_t> DeleteAllOfUser(db::Tx& tx, std::string_view user_id) override;
  Result<std::int64_t> DeleteExpired(db::Tx& tx, UnixMillis cutoff) override;
};

}  // namespace shop::user
