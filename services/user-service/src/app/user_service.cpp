// UserService, the account half: register, admin create, get, update, list, delete, bootstrap.
#include "app/user_service.hpp"

#include <algorithm>

#include "app/user_events.hpp"
#include "shop/core/cursor.hpp"
#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"

namespace shop::user {

namespace {

constexpr std::string_view kCursorPrefix = "users:";

Error EmailTaken() { return Error::Conflict("a user with this email already exists"); }

}  // namespace

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
