#include "app/user_service.hpp"

#include <sodium.h>

#include <algorithm>

#include "app/user_events.hpp"
#include "shop/core/cursor.hpp"
#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"

namespace shop::user {

namespace {

constexpr std::string_view kBadCredentials = "invalid email or password";
constexpr std::string_view kBadRefreshToken = "invalid refresh token";
constexpr std::string_view kCursorPrefix = "users:";

Error EmailTaken() { return Error::Conflict("a user with this email already exists"); }

}  // namespace

std::string HashRefreshToken(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
}

UserService::UserService(db::Database& db, UserRepository& users, RefreshTokenRepository& tokens,
                         const PasswordHasher& hasher, LoginThrottle& throttle, const auth::KeyRing& keys,
                         TokenOptions options, const Clock& clock)
    : db_(db),
      users_(users),
      tokens_(tokens),
      hasher_(hasher),
      throttle_(throttle),
      keys_(keys),
      options_(options),
      clock_(clock) {}

Result<User> UserService::Register(const NewUser& in) { return CreateUser(in, /*is_admin=*/false); }

Result<User> UserService::Create(const Actor& actor, const NewUser& in) {
  if (!actor.is_admin) return Error::Forbidden("admin role required");
  return CreateUser(in, in.is_admin);
}

Result<User> UserService::CreateUser(const NewUser& in, bool is_admin) {
  User u;
  u.email = NormalizeEmail(in.email);
  u.name = std::string(Trim(in.name));
  if (auto v = ValidateNewUser(u.email, u.name, in.password); !v) return v.error();
  // Hash before the transaction: ~50 ms of CPU must not hold the write lock.
  auto hash = hasher_.Hash(in.password);
  if (!hash) return hash.error();
  u.id = NewId();
  u.password_hash = std::move(*hash);
  u.is_admin = is_admin;
  u.created_at = u.updated_at = clock_.NowMs();
  auto st = db_.Write([&](db::Tx& tx) -> Result<void> {
    auto existing = users_.FindByEmail(tx, u.email);
    if (!existing) return existing.error();
    if (*existing) return EmailTaken();
    if (auto r = users_.Insert(tx, u); !r) return r.error().code == Errc::kConflict ? EmailTaken() : r.error();
    return events::Append(tx, UserCreated(u, clock_));
  });
  if (!st) return st.error();
  return u;
}

Result<TokenPair> UserService::Login(std::string_view email_in, std::string_view password,
                                     std::string_view client_ip) {
  const auto email = NormalizeEmail(email_in);
  if (auto t = throttle_.Check(email, client_ip); !t) return t.error();
  auto found = db_.Read([&](db::Tx& tx) { return users_.FindByEmail(tx, email); });
  if (!found) return found.error();
  bool ok = false;
  if (*found) {
    ok = hasher_.Verify((*found)->password_hash, password);
  } else {
    hasher_.VerifyDummy(password);  // same cost as a wrong password: no account enumeration by timing
  }
  if (!ok) {
    throttle_.RecordFailure(email, client_ip);
    return Error::Unauthenticated(std::string(kBadCredentials));
  }
  throttle_.RecordSuccess(email);
  User user = **found;
  std::optional<std::string> rehash;
  if (hasher_.NeedsRehash(user.password_hash)) {
    auto h = hasher_.Hash(password);
    if (h) rehash = std::move(*h);  // a failed upgrade must not fail the login
  }
  TokenPair pair;
  auto st = db_.Write([&](db::Tx& tx) -> Result<void> {
    if (rehash) {
      auto current = users_.FindById(tx, user.id);
      if (!current) return current.error();
      if (!*current) return Error::Unauthenticated(std::string(kBadCredentials));  // deleted meanwhile
      user = **current;
      user.password_hash = *rehash;
      if (auto r = users_.Update(tx, user); !r) return r.error();
    }
    auto issued = IssueTokens(tx, user, NewId());
    if (!issued) return issued.error();
    pair = std::move(*issued);
    return Ok();
  });
  if (!st) return st.error();
  return pair;
}

Result<TokenPair> UserService::IssueTokens(db::Tx& tx, const User& u, const std::string& family_id) {
  const auto now = clock_.NowMs();
  TokenPair pair;
  pair.refresh_token = RandomToken();
  RefreshToken rt;
  rt.token_hash = HashRefreshToken(pair.refresh_token);
  rt.family_id = family_id;
  rt.user_id = u.id;
  rt.created_at = now;
  rt.expires_at = now + options_.refresh_ttl_s * 1000;
  if (auto r = tokens_.Insert(tx, rt); !r) return r.error();
  pair.access_token = keys_.signer()->Sign(auth::Claims::For(u.id, u.email, u.is_admin, options_.access_ttl_s));
  pair.expires_in_s = options_.access_ttl_s;
  return pair;
}

Result<TokenPair> UserService::Refresh(std::string_view refresh_token) {
  enum class Outcome { kIssued, kRejected };
  Outcome outcome = Outcome::kRejected;
  TokenPair pair;
  const auto hash = HashRefreshToken(refresh_token);
  // Reuse detection must commit its revocation, so rejections are ok() results of the transaction.
  auto st = db_.Write([&](db::Tx& tx) -> Result<void> {
    const auto now = clock_.NowMs();
    auto found = tokens_.Find(tx, hash);
    if (!found) return found.error();
    if (!*found) return Ok();
    const auto& t = **found;
    if (t.revoked_at) return Ok();
    if (t.used_at) {
      // A used token came back: it was stolen, or the client is replaying. Either way the family
      // (the attacker's and the user's current token) is revoked; the user logs in again.
      auto r = tokens_.RevokeFamily(tx, t.family_id, now);
      return r ? Ok() : Result<void>(r.error());
    }
    if (t.expires_at <= now) return Ok();
    auto user = users_.FindById(tx, t.user_id);
    if (!user) return user.error();
    if (!*user) return Ok();
    auto marked = tokens_.MarkUsed(tx, hash, now);
    if (!marked) return marked.error();
    if (!*marked) {
      auto r = tokens_.RevokeFamily(tx, t.family_id, now);
      return r ? Ok() : Result<void>(r.error());
    }
    auto issued = IssueTokens(tx, **user, t.family_id);
    if (!issued) return issued.error();
    pair = std::move(*issued);
    outcome = Outcome::kIssued;
    return Ok();
  });
  if (!st) return st.error();
  if (outcome != Outcome::kIssued) return Error::Unauthenticated(std::string(kBadRefreshToken));
  return pair;
}

Result<void> UserService::Logout(const Actor& actor, std::optional<std::string_view> refresh_token) {
  return db_.Write([&](db::Tx& tx) -> Result<void> {
    const auto now = clock_.NowMs();
    if (!refresh_token) {
      auto r = tokens_.RevokeAllOfUser(tx, actor.user_id, now);
      return r ? Ok() : Result<void>(r.error());
    }
    auto found = tokens_.Find(tx, HashRefreshToken(*refresh_token));
    if (!found) return found.error();
    if (!*found || (*found)->user_id != actor.user_id) return Ok();
    auto r = tokens_.RevokeFamily(tx, (*found)->family_id, now);
    return r ? Ok() : Result<void>(r.error());
  });
}

Result<User> UserService::Get(const Actor& actor, std::string_view id) {
  if (actor.user_id != id && !actor.is_admin) return Error::NotFound("user not found");
  auto found = db_.Read([&](db::Tx& tx) { return users_.FindById(tx, id); });
  if (!found) return found.error();
  if (!*found) return Error::NotFound("user not found");
  return std::move(**found);
}

Result<User> UserService::Update(const Actor& actor, std::string_view id, const UserChanges& changes) {
  if (actor.user_id != id && !actor.is_admin) return Error::Forbidden("you may only change your own account");
  std::optional<std::string> email, name;
  std::vector<FieldError> errors;
  if (changes.email) {
    email = NormalizeEmail(*changes.email);
    if (auto p = EmailProblem(*email)) errors.push_back({"email", *p});
  }
  if (changes.name) {
    name = std::string(Trim(*changes.name));
    if (auto p = NameProblem(*name)) errors.push_back({"name", *p});
  }
  if (changes.password) {
    if (auto p = PasswordProblem(*changes.password)) errors.push_back({"password", *p});
  }
  if (!errors.empty()) return Error::Invalid(std::move(errors));
  std::optional<std::string> new_hash;
  if (changes.password) {
    auto h = hasher_.Hash(*changes.password);
    if (!h) return h.error();
    new_hash = std::move(*h);
  }
  User user;
  auto st = db_.Write([&](db::Tx& tx) -> Result<void> {
    auto found = users_.FindById(tx, id);
    if (!found) return found.error();
    if (!*found) return Error::NotFound("user not found");
    user = std::move(**found);
    std::vector<std::string> changed;
    if (email && *email != user.email) {
      auto other = users_.FindByEmail(tx, *email);
      if (!other) return other.error();
      if (*other) return EmailTaken();
      user.email = *email;
      changed.push_back("email");
    }
    if (name && *name != user.name) {
      user.name = *name;
      changed.push_back("name");
    }
    if (new_hash) {
      user.password_hash = *new_hash;
      changed.push_back("password");
    }
    if (changed.empty()) return Ok();
    user.updated_at = clock_.NowMs();
    if (auto r = users_.Update(tx, user); !r) return r.error().code == Errc::kConflict ? EmailTaken() : r.error();
    if (new_hash) {
      // A new password ends every session: stolen refresh tokens stop working with the old one.
      if (auto r = tokens_.RevokeAllOfUser(tx, user.id, user.updated_at); !r) return r.error();
    }
    return events::Append(tx, UserUpdated(user, changed, clock_));
  });
  if (!st) return st.error();
  return user;
}

Result<UserPage> UserService::List(const Actor& actor, int limit, std::optional<std::string_view> cursor) {
  if (!actor.is_admin) return Error::Forbidden("admin role required");
  std::string after;
  if (cursor) {
    auto payload = shop::cursor::Open(*cursor);
    if (!payload || !payload->starts_with(kCursorPrefix)) return Error::BadRequest("invalid cursor");
    after = payload->substr(kCursorPrefix.size());
  }
  limit = std::clamp(limit, 1, 100);
  auto rows = db_.Read([&](db::Tx& tx) { return users_.ListAfter(tx, after, limit + 1); });
  if (!rows) return rows.error();
  UserPage page;
  page.items = std::move(*rows);
  if (static_cast<int>(page.items.size()) > limit) {
    page.items.resize(static_cast<std::size_t>(limit));
    page.next_cursor = shop::cursor::Seal(std::string(kCursorPrefix) + page.items.back().id);
  }
  return page;
}

Result<void> UserService::Delete(const Actor& actor, std::string_view id) {
  if (!actor.is_admin) return Error::Forbidden("admin role required");
  return db_.Write([&](db::Tx& tx) -> Result<void> {
    if (auto r = tokens_.DeleteAllOfUser(tx, id); !r) return r.error();
    auto deleted = users_.Delete(tx, id);
    if (!deleted) return deleted.error();
    if (!*deleted) return Error::NotFound("user not found");
    return events::Append(tx, UserDeleted(id, clock_));
  });
}

Result<AdminOutcome> UserService::EnsureAdmin(std::string_view email_in, std::string_view password,
                                              std::string_view name) {
  const auto email = NormalizeEmail(email_in);
  if (auto p = EmailProblem(email)) return Error::Invalid("email", *p);
  auto found = db_.Read([&](db::Tx& tx) { return users_.FindByEmail(tx, email); });
  if (!found) return found.error();
  if (!*found) {
    auto created = CreateUser({std::string(email), std::string(password), std::string(name), true}, true);
    if (!created) return created.error();
    return AdminOutcome::kCreated;
  }
  AdminOutcome outcome = AdminOutcome::kAlreadyAdmin;
  auto st = db_.Write([&](db::Tx& tx) -> Result<void> {
    auto current = users_.FindByEmail(tx, email);
    if (!current) return current.error();
    if (!*current) return Error::Conflict("the account disappeared while being promoted; retry");
    User u = std::move(**current);
    if (u.is_admin) return Ok();
    u.is_admin = true;
    u.updated_at = clock_.NowMs();
    if (auto r = users_.Update(tx, u); !r) return r.error();
    outcome = AdminOutcome::kPromoted;
    return events::Append(tx, UserUpdated(u, {"is_admin"}, clock_));
  });
  if (!st) return st.error();
  return outcome;
}

}  // namespace shop::user
