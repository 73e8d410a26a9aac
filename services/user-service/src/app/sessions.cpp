// UserService, the session half: login, refresh-token rotation with reuse detection, logout.
#include <sodium.h>

#include "app/user_service.hpp"
#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"

namespace shop::user {

namespace {

constexpr std::string_view kBadCredentials = "invalid email or password";
constexpr std::string_view kBadRefreshToken = "invalid refresh token";

}  // namespace

std::string HashRefreshToken(std::string_view token) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
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

}  // namespace shop::user
