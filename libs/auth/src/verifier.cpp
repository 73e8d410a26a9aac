// TokenVerifier: pinned EdDSA, kid look-up, Ed25519 signature, registered claims, and a bounded
// cache of verified tokens keyed by a BLAKE2b hash of the token.
#include <sodium.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <array>
#include <cstring>

#include "shop/auth/auth.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {

namespace {

constexpr std::size_t kMaxTokenBytes = 8 * 1024;
constexpr std::size_t kShards = 16;

Error Reject(std::string_view why) { return Error::Unauthenticated(std::string(why)); }

std::optional<boost::json::object> DecodeJsonPart(std::string_view part) {
  auto raw = Base64UrlDecode(part);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  auto v = boost::json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

std::string_view StringOr(const boost::json::object& o, std::string_view key, std::string_view fallback = {}) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->as_string()) : fallback;
}

// A NumericDate (RFC 7519 §2): seconds, integer or fractional. Absent -> nullopt; not a number ->
// error, reported by the caller as a malformed token.
Result<std::optional<std::int64_t>> NumericDate(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::optional<std::int64_t>{};
  if (v->is_int64()) return std::optional<std::int64_t>{v->as_int64()};
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX / 2)) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v->as_uint64())};
  }
  if (v->is_double() && v->as_double() > -1e15 && v->as_double() < 1e15) {
    return std::optional<std::int64_t>{static_cast<std::int64_t>(v->as_double())};
  }
  return Reject("malformed token");
}

bool AudienceMatches(const boost::json::value* aud, std::string_view expected) {
  if (!aud) return false;
  if (aud->is_string()) return aud->as_string() == expected;
  if (!aud->is_array()) return false;
  for (const auto& a : aud->as_array()) {
    if (a.is_string() && a.as_string() == expected) return true;
  }
  return false;
}

using CacheKey = std::array<unsigned char, 32>;

struct CacheKeyHash {
  std::size_t operator()(const CacheKey& k) const noexcept {
    std::size_t h;
    std::memcpy(&h, k.data(), sizeof h);  // already a cryptographic hash: any 8 bytes will do
    return h;
  }
};

struct CacheEntry {
  Principal principal;
  std::int64_t exp_s = 0;
  std::uint64_t keys_version = 0;
};

struct Shard {
  std::mutex mu;
  std::unordered_map<CacheKey, CacheEntry, CacheKeyHash> map;
};

}  // namespace

struct TokenVerifier::Impl {
  VerifierOptions options;
  const Clock& clock;
  mutable std::mutex keys_mu;
  std::shared_ptr<const KeySet> keys;
  mutable std::array<Shard, kShards> shards;

  Impl(std::shared_ptr<const KeySet> k, VerifierOptions o, const Clock& c)
      : options(std::move(o)), clock(c), keys(std::move(k)) {}

  std::shared_ptr<const KeySet> Keys() const {
    std::lock_guard lock(keys_mu);
    return keys;
  }

  std::size_t ShardCapacity() const { return std::max<std::size_t>(1, options.cache_capacity / kShards); }

  std::optional<Principal> Lookup(const CacheKey& key, std::int64_t now_s, std::uint64_t version) const {
    if (options.cache_capacity == 0) return std::nullopt;
    auto& shard = shards[key[31] % kShards];
    std::lock_guard lock(shard.mu);
    auto it = shard.map.find(key);
    if (it == shard.map.end()) return std::nullopt;
    // Honoured only until exp (the full path then applies the leeway), and only while the key set
    // is the one the token was verified against (a removed key must stop working at once).
    if (now_s > it->second.exp_s || it->second.keys_version != version) {
      shard.map.erase(it);
      return std::nullopt;
    }
    return it->second.principal;
  }

  void Store(const CacheKey& key, const Principal& p, std::int64_t exp_s, std::int64_t now_s,
             std::uint64_t version) const {
    if (options.cache_capacity == 0) return;
    auto& shard = shards[key[31] % kShards];
    std::lock_guard lock(shard.mu);
    if (shard.map.size() >= ShardCapacity()) {
      std::erase_if(shard.map, [now_s](const auto& kv) { return now_s > kv.second.exp_s; });
      // Still full of live tokens: drop an arbitrary one (a cache miss only costs a verification).
      if (shard.map.size() >= ShardCapacity()) shard.map.erase(shard.map.begin());
    }
    shard.map.insert_or_assign(key, CacheEntry{p, exp_s, version});
  }

  Result<Principal> VerifyFull(std::string_view token, const KeySet& keys, std::int64_t now_s,
                               std::int64_t* exp_out) const;
};

Result<Principal> TokenVerifier::Impl::VerifyFull(std::string_view token, const KeySet& keys, std::int64_t now_s,
                                                  std::int64_t* exp_out) const {
  const auto dot1 = token.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Reject("malformed token");
  }
  const auto header = DecodeJsonPart(token.substr(0, dot1));
  if (!header) return Reject("malformed token");
  // The algorithm is pinned: whatever the header claims, only EdDSA is accepted, and nothing else
  // (key look-up, signature) happens before this check.
  const auto* alg = header->if_contains("alg");
  if (!alg || !alg->is_string() || alg->as_string() != "EdDSA") return Reject("unsupported algorithm");
  if (header->contains("crit")) return Reject("unsupported critical header");
  if (const auto* typ = header->if_contains("typ"); typ && (!typ->is_string() || !IEquals(typ->as_string(), "JWT"))) {
    return Reject("unsupported token type");
  }
  const auto kid = StringOr(*header, "kid");
  if (kid.empty()) return Reject("unknown key");
  const auto public_key = keys.Find(kid);
  if (!public_key) {
    if (options.on_unknown_kid) options.on_unknown_kid();
    return Reject("unknown key");
  }
  if (public_key->size() != crypto_sign_PUBLICKEYBYTES) return Reject("unknown key");

  const auto sig = Base64UrlDecode(token.substr(dot2 + 1));
  if (!sig || sig->size() != crypto_sign_BYTES) return Reject("malformed token");
  const auto signing_input = token.substr(0, dot2);
  if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(sig->data()),
                                  reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(),
                                  reinterpret_cast<const unsigned char*>(public_key->data())) != 0) {
    return Reject("bad signature");
  }

  const auto claims = DecodeJsonPart(token.substr(dot1 + 1, dot2 - dot1 - 1));
  if (!claims) return Reject("malformed token");
  if (StringOr(*claims, "iss") != options.issuer) return Reject("wrong issuer");
  if (!AudienceMatches(claims->if_contains("aud"), options.audience)) return Reject("wrong audience");
  const auto exp = NumericDate(*claims, "exp");
  const auto nbf = NumericDate(*claims, "nbf");
  const auto iat = NumericDate(*claims, "iat");
  if (!exp || !nbf || !iat) return Reject("malformed token");
  if (!*exp) return Reject("token has no expiry");
  const std::int64_t leeway = options.leeway_s;
  if (now_s > **exp + leeway) return Reject("token expired");
  if (*nbf && now_s + leeway < **nbf) return Reject("token not yet valid");
  if (*iat && now_s + leeway < **iat) return Reject("token not yet valid");
  const auto sub = StringOr(*claims, "sub");
  if (sub.empty()) return Reject("token has no subject");

  Principal p;
  p.user_id = std::string(sub);
  p.email = std::string(StringOr(*claims, "email"));
  p.jti = std::string(StringOr(*claims, "jti"));
  if (const auto* roles = claims->if_contains("roles"); roles && roles->is_array()) {
    for (const auto& r : roles->as_array()) {
      if (!r.is_string()) continue;
      p.roles.emplace_back(r.as_string());
      if (r.as_string() == "admin") p.is_admin = true;
    }
  }
  p.expires_at = **exp * 1000;
  *exp_out = **exp;
  return p;
}

TokenVerifier::TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierOptions options, const Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(keys), std::move(options), clock)) {
  static const int rc = sodium_init();
  (void)rc;
}

TokenVerifier::~TokenVerifier() = default;

Result<Principal> TokenVerifier::Verify(std::string_view token) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return Reject("malformed token");
  const auto keys = impl_->Keys();
  if (!keys) return Reject("unknown key");
  const std::int64_t now_s = impl_->clock.NowMs() / 1000;
  const auto version = keys->version();
  CacheKey key{};
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                     nullptr, 0);
  if (auto hit = impl_->Lookup(key, now_s, version)) return std::move(*hit);
  std::int64_t exp_s = 0;
  auto p = impl_->VerifyFull(token, *keys, now_s, &exp_s);
  if (p) impl_->Store(key, *p, exp_s, now_s, version);
  return p;
}

void TokenVerifier::SetKeys(std::shared_ptr<const KeySet> keys) {
  {
    std::lock_guard lock(impl_->keys_mu);
    impl_->keys = std::move(keys);
  }
  for (auto& shard : impl_->shards) {
    std::lock_guard lock(shard.mu);
    shard.map.clear();
  }
}

std::size_t TokenVerifier::CachedTokens() const {
  std::size_t n = 0;
  for (auto& shard : impl_->shards) {
    std::lock_guard lock(shard.mu);
    n += shard.map.size();
  }
  return n;
}

}  // namespace shop::auth
