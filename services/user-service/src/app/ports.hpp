// Ports of the user-service core, implemented in infra/ (SQL) and used inside the caller's
// transaction (db::Tx), so a state change and its outbox event commit together.
// Errors: kConflict for a duplicate email (unique index), kUnavailable/kInternal from the driver.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "domain/user.hpp"
#include "shop/db/database.hpp"

namespace shop::user {

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual Result<void> Insert(db::Tx& tx, const User& u) = 0;
  virtual Result<std::optional<User>> FindById(db::Tx& tx, std::string_view id) = 0;
  virtual Result<std::optional<User>> FindByEmail(db::Tx& tx, std::string_view normalized_email) = 0;
  // Writes every field but id and created_at. kNotFound if the row is gone.
  virtual Result<void> Update(db::Tx& tx, const User& u) = 0;
  // True if a row was deleted.
  virtual Result<bool> Delete(db::Tx& tx, std::string_view id) = 0;
  // Users with id > after_id (ids are UUIDv7: creation order), ascending, at most `limit`.
  virtual Result<std::vector<User>> ListAfter(db::Tx& tx, std::string_view after_id, int limit) = 0;
};

struct RefreshToken {
  std::string token_hash;  // SHA-256 (hex) of the opaque token; the token itself is never stored
  std::string family_id;   // one login = one family; every rotation stays in it
  std::string user_id;
  UnixMillis created_at = 0;
  UnixMillis expires_at = 0;
  std::optional<UnixMillis> used_at;
  std::optional<UnixMillis> revoked_at;
};

class RefreshTokenRepository {
 public:
  virtual ~RefreshTokenRepository() = default;
  virtual Result<void> Insert(db::Tx& tx, const RefreshToken& t) = 0;
  virtual Result<std::optional<RefreshToken>> Find(db::Tx& tx, std::string_view token_hash) = 0;
  // Sets used_at if still unused; false if another request used it first.
  virtual Result<bool> MarkUsed(db::Tx& tx, std::string_view token_hash, UnixMillis now) = 0;
  // Sets revoked_at on every live token of the family / of the user. Returns the count.
  virtual Result<std::int64_t> RevokeFamily(db::Tx& tx, std::string_view family_id, UnixMillis now) = 0;
  virtual Result<std::int64_t> RevokeAllOfUser(db::Tx& tx, std::string_view user_id, UnixMillis now) = 0;
  virtual Result<std::int64_t> DeleteAllOfUser(db::Tx& tx, std::string_view user_id) = 0;
  // Housekeeping: removes tokens expired before `cutoff`.
  virtual Result<std::int64_t> DeleteExpired(db::Tx& tx, UnixMillis cutoff) = 0;
};

}  // namespace shop::user
