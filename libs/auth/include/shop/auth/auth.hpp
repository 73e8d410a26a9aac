// Access-token verification, shared by every service and the gateway (ADR 0002).
//
// Tokens are JWTs signed with EdDSA (Ed25519, libsodium). The verifier pins the algorithm (the
// header's "alg" must be "EdDSA"; "none", HS256 or anything else is rejected before any key is
// touched), looks the key up by "kid" in its KeySet, checks the signature, then iss, aud, exp and
// nbf/iat with a small leeway. Verified tokens are cached until they expire, so verification costs
// a hash look-up on the hot path.
//
// Thread-safe. KeySet is replaced wholesale when the JWKS is refreshed (distributed shape) or
// shared in-process with the user-service's key store (embedded shape).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "shop/core/error.hpp"
#include "shop/core/time.hpp"
#include "shop/http/message.hpp"

namespace shop::auth {

inline constexpr std::string_view kIssuer = "ecommerce-platform";
inline constexpr std::string_view kAudience = "ecommerce-api";

struct Principal {
  std::string user_id;
  std::string email;
  bool is_admin = false;
  std::vector<std::string> roles;
  std::string jti;
  UnixMillis expires_at = 0;
};

// Ed25519 public keys by kid. Thread-safe; every change bumps version(), which lets the verifier's
// cache drop entries verified against a key that has since been removed or replaced.
class KeySet {
 public:
  // Adds or replaces a key. `public_key` must be 32 raw bytes (anything else is ignored).
  void Put(std::string kid, std::string public_key /* 32 raw bytes */);
  void Remove(std::string_view kid);
  std::optional<std::string> Find(std::string_view kid) const;
  std::vector<std::string> Kids() const;  // sorted
  std::uint64_t version() const { return version_.load(std::memory_order_acquire); }
  // {"keys":[{"kty":"OKP","crv":"Ed25519","alg":"EdDSA","use":"sig","kid":...,"x":...}]}
  std::string ToJwks() const;
  // Keys other than OKP/Ed25519 (or with another "alg") are skipped, as RFC 7517 asks.
  // Not JSON, or no "keys" array -> kBadRequest.
  static Result<std::shared_ptr<KeySet>> FromJwks(std::string_view jwks_json);

 private:
  mutable std::shared_mutex mu_;
  std::unordered_map<std::string, std::string> keys_;
  std::atomic<std::uint64_t> version_{0};
};

struct VerifierOptions {
  std::string issuer = std::string(kIssuer);
  std::string audience = std::string(kAudience);
  int leeway_s = 30;
  std::size_t cache_capacity = 100'000;
  // Called (outside any lock) when an EdDSA token names a kid this verifier does not know: a key
  // was rotated and the JWKS should be fetched again (runtime::JwksRefresher). Must be cheap.
  std::function<void()> on_unknown_kid;
};

class TokenVerifier {
 public:
  TokenVerifier(std::shared_ptr<const KeySet> keys, VerifierOptions options = {},
                const Clock& clock = SystemClock::Instance());
  ~TokenVerifier();
  // kUnauthenticated with a short reason on any failure ("token expired", "unknown key", ...).
  Result<Principal> Verify(std::string_view token) const;
  // Replaces the key set (JWKS refresh) and empties the cache.
  void SetKeys(std::shared_ptr<const KeySet> keys);
  std::size_t CachedTokens() const;  // for metrics and tests

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads "Authorization: Bearer <token>" and verifies it. Missing or malformed -> kUnauthenticated.
Result<Principal> Authenticate(const http::Request& req, const TokenVerifier& verifier);
// As Authenticate, then kForbidden unless the principal is an admin.
Result<Principal> RequireAdmin(const http::Request& req, const TokenVerifier& verifier);

}  // namespace shop::auth
