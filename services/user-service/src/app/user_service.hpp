// UserService: the identity use cases (API-CONTRACT "Identity"). Returns Result, never HTTP codes.
//
// Every state change and its outbox event commit in one db.Write transaction. Password hashing
// (Argon2id) runs on the calling thread, which must be a worker (the Module's blocking handlers):
// it is kept outside database transactions so a slow hash never holds the SQLite write lock.
//
// Authorization rules (the app enforces them, whatever the gateway did):
//   Get:    self or admin; another user's account is kNotFound (existence is not revealed).
//   Update: self or admin; another user's account is kForbidden (API-CONTRACT: PUT others -> 403).
//   List, Delete, Create (admin create): admin only, else kForbidden.
// Refresh tokens: opaque 256-bit, stored as SHA-256, single-use, rotated; one family per login.
// Presenting an already-used token revokes its whole family (OAuth 2.0 Security BCP) -> 401.
// Thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/login_throttle.hpp"
#include "app/password_hasher.hpp"
#include "app/ports.hpp"
#include "shop/auth/signer.hpp"

namespace shop::user {

struct Actor {
  std::string user_id;
  bool is_admin = false;
};

struct NewUser {
  std::string email;
  std::string password;
  std::string name;
  bool is_admin = false;  // honoured only by Create (admin); Register always makes a customer
};

struct UserChanges {
  std::optional<std::string> email;
  std::optional<std::string> name;
  std::optional<std::string> password;
};

struct TokenPair {
  std::string access_token;
  std::string refresh_token;  // the opaque secret: returned once, stored only as a hash
  std::int64_t expires_in_s = 0;
};

struct UserPage {
  std::vector<User> items;
  std::optional<std::string> next_cursor;
};

struct TokenOptions {
  std::int64_t access_ttl_s = 900;
  std::int64_t refresh_ttl_s = 30LL * 24 * 3600;
};

enum class AdminOutcome { kCreated, kPromoted, kAlreadyAdmin };

class UserService {
 public:
  UserService(db::Database& db, UserRepository& users, RefreshTokenRepository& tokens, const PasswordHasher& hasher,
              LoginThrottle& throttle, const auth::KeyRing& keys, TokenOptions options, const Clock& clock);

  // kInvalid (per-field), kConflict (email taken, any case). Appends UserCreated.
  Result<User> Register(const NewUser& in);
  // Admin create: as Register, honouring is_admin.
  Result<User> Create(const Actor& actor, const NewUser& in);
  // kRateLimited while throttled; kUnauthenticated "invalid email or password" for a wrong
  // password and for an unknown email alike (same detail, same hashing cost).
  Result<TokenPair> Login(std::string_view email, std::string_view password, std::string_view client_ip);
  // Rotates: the presented token is used up and a new pair returned. Unknown, expired, revoked or
  // reused -> kUnauthenticated; reuse also revokes the family.
  Result<TokenPair> Refresh(std::string_view refresh_token);
  // With a refresh token of this user: revokes its family (this session). Without one: revokes
  // every family of the user (all sessions). A token of another user or an unknown one revokes
  // nothing (logout is idempotent). Access tokens stay valid until they expire (<= access TTL).
  Result<void> Logout(const Actor& actor, std::optional<std::string_view> refresh_token);

  Result<User> Get(const Actor& actor, std::string_view id);
  // Only the given fields change; a password change revokes every refresh family of the user.
  // Appends UserUpdated (changed field names) when something changed.
  Result<User> Update(const Actor& actor, std::string_view id, const UserChanges& changes);
  // `cursor` from a previous page's next_cursor; a forged one is kBadRequest. limit 1..100.
  Result<UserPage> List(const Actor& actor, int limit, std::optional<std::string_view> cursor);
  Result<void> Delete(const Actor& actor, std::string_view id);

  // Bootstrap (ADMIN_EMAIL/ADMIN_PASSWORD) and the admin CLI: creates the admin, or promotes an
  // existing account with that email (its password is left alone).
  Result<AdminOutcome> EnsureAdmin(std::string_view email, std::string_view password, std::string_view name);

 private:
  Result<User> CreateUser(const NewUser& in, bool is_admin);
  // Inserts the first refresh token of a new family (or the next one of `family_id`) and signs
  // the access token.
  Result<TokenPair> IssueTokens(db::Tx& tx, const User& u, const std::string& family_id);

  db::Database& db_;
  UserRepository& users_;
  RefreshTokenRepository& tokens_;
  const PasswordHasher& hasher_;
  LoginThrottle& throttle_;
  const auth::KeyRing& keys_;
  TokenOptions options_;
  const Clock& clock_;
};

// SHA-256 hex of a refresh token: what the database stores.
std::string HashRefreshToken(std::string_view token);

}  // namespace shop::user
