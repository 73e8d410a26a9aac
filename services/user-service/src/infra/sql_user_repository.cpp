#include "infra/sql_user_repository.hpp"

namespace shop::user {

namespace {

constexpr std::string_view kInsertUser = R"sql(
  INSERT INTO users (id, email, name, password_hash, is_admin, created_at, updated_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7))sql";
constexpr std::string_view kSelectById =
    "SELECT id, email, name, password_hash, is_admin, created_at, updated_at FROM users WHERE id = $1";
constexpr std::string_view kSelectByEmail =
    "SELECT id, email, name, password_hash, is_admin, created_at, updated_at FROM users WHERE email = $1";
constexpr std::string_view kUpdateUser = R"sql(
  UPDATE users SET email = $2, name = $3, password_hash = $4, is_admin = $5, updated_at = $6 WHERE id = $1)sql";
constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = $1";
constexpr std::string_view kListAfter = R"sql(
  SELECT id, email, name, password_hash, is_admin, created_at, updated_at FROM users
  WHERE id > $1 ORDER BY id LIMIT $2)sql";

constexpr std::string_view kInsertToken = R"sql(
  INSERT INTO refresh_tokens (token_hash, family_id, user_id, created_at, expires_at, used_at, revoked_at)
  VALUES ($1, $2, $3, $4, $5, NULL, NULL))sql";
constexpr std::string_view kSelectToken = R"sql(
  SELECT token_hash, family_id, user_id, created_at, expires_at, used_at, revoked_at
  FROM refresh_tokens WHERE token_hash = $1)sql";
constexpr std::string_view kMarkUsed =
    "UPDATE refresh_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND revoked_at IS NULL";
constexpr std::string_view kRevokeFamily =
    "UPDATE refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL";
constexpr std::string_view kRevokeUser =
    "UPDATE refresh_tokens SET revoked_at = $2 WHERE user_id = $1 AND revoked_at IS NULL";
constexpr std::string_view kDeleteUserTokens = "DELETE FROM refresh_tokens WHERE user_id = $1";
constexpr std::string_view kDeleteExpired = "DELETE FROM refresh_tokens WHERE expires_at < $1";

User ToUser(const db::Row& r) {
  return User{r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Bool(4), r.Int(5), r.Int(6)};
}

Result<std::optional<User>> One(db::Tx& tx, std::string_view sql, std::string_view arg) {
  auto row = tx.QueryOne(sql, {arg});
  if (!row) return row.error();
  if (!*row) return std::optional<User>{};
  return std::optional<User>{ToUser(**row)};
}

}  // namespace

Result<void> SqlUserRepository::Insert(db::Tx& tx, const User& u) {
  auto r = tx.Exec(kInsertUser, {u.id, u.email, u.name, u.password_hash, u.is_admin, u.created_at, u.updated_at});
  if (!r) return r.error();
  return Ok();
}

Result<std::optional<User>> SqlUserRepository::FindById(db::Tx& tx, std::string_view id) {
  return One(tx, kSelectById, id);
}

Result<std::optional<User>> SqlUserRepository::FindByEmail(db::Tx& tx, std::string_view email) {
  return One(tx, kSelectByEmail, email);
}

Result<void> SqlUserRepository::Update(db::Tx& tx, const User& u) {
  auto r = tx.Exec(kUpdateUser, {u.id, u.email, u.name, u.password_hash, u.is_admin, u.updated_at});
  if (!r) return r.error();
  if (*r == 0) return Error::NotFound("user not found");
  return Ok();
}

Result<bool> SqlUserRepository::Delete(db::Tx& tx, std::string_view id) {
  auto r = tx.Exec(kDeleteUser, {id});
  if (!r) return r.error();
  return *r > 0;
}

Result<std::vector<User>> SqlUserRepository::ListAfter(db::Tx& tx, std::string_view after_id, int limit) {
  auto rows = tx.Query(kListAfter, {after_id, limit});
  if (!rows) return rows.error();
  std::vector<User> out;
  out.reserve(rows->size());
  for (const auto& r : *rows) out.push_back(ToUser(r));
  return out;
}

Result<void> SqlRefreshTokenRepository::Insert(db::Tx& tx, const RefreshToken& t) {
  auto r = tx.Exec(kInsertToken, {t.token_hash, t.family_id, t.user_id, t.created_at, t.expires_at});
  if (!r) return r.error();
  return Ok();
}

Result<std::optional<RefreshToken>> SqlRefreshTokenRepository::Find(db::Tx& tx, std::string_view token_hash) {
  auto row = tx.QueryOne(kSelectToken, {token_hash});
  if (!row) return row.error();
  if (!*row) return std::optional<RefreshToken>{};
  const auto& r = **row;
  return std::optional<RefreshToken>{
      RefreshToken{r.Text(0), r.Text(1), r.Text(2), r.Int(3), r.Int(4), r.OptInt(5), r.OptInt(6)}};
}

Result<bool> SqlRefreshTokenRepository::MarkUsed(db::Tx& tx, std::string_view token_hash, UnixMillis now) {
  auto r = tx.Exec(kMarkUsed, {token_hash, now});
  if (!r) return r.error();
  return *r == 1;
}

Result<std::int64_t> SqlRefreshTokenRepository::RevokeFamily(db::Tx& tx, std::string_view family_id,
                                                             UnixMillis now) {
  return tx.Exec(kRevokeFamily, {family_id, now});
}

Result<std::int64_t> SqlRefreshTokenRepository::RevokeAllOfUser(db::Tx& tx, std::string_view user_id,
                                                                UnixMillis now) {
  return tx.Exec(kRevokeUser, {user_id, now});
}

Result<std::int64_t> SqlRefreshTokenRepository::DeleteAllOfUser(db::Tx& tx, std::string_view user_id) {
  return tx.Exec(kDeleteUserTokens, {user_id});
}

Result<std::int64_t> SqlRefreshTokenRepository::DeleteExpired(db::Tx& tx, UnixMillis cutoff) {
  return tx.Exec(kDeleteExpired, {cutoff});
}

}  // namespace shop::user
