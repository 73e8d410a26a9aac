// Issuing access tokens, and the Ed25519 signing keys behind them (ADR 0002).
//
// Signer: one Ed25519 key (libsodium crypto_sign_detached) and its kid. Sign() turns Claims into a
// compact JWT with header {"alg":"EdDSA","typ":"JWT","kid":...}. The kid is the key's RFC 7638
// JWK thumbprint, so the same key always has the same kid. Immutable and thread-safe; copies share
// the key material, which is wiped when the last copy goes.
//
// KeyRing: the current Signer plus the public keys of retired signers, published in one KeySet
// (the JWKS). Rotation makes a new signer current and keeps the old public key until `retire_at`
// (its last token's expiry plus leeway), so tokens already issued stay valid. Thread-safe.
//
// Key sources, in order (LoadKeyRing): JWT_PRIVATE_KEY (base64url 32-byte seed), else the key
// file (JWT_KEY_FILE, default <data_dir>/jwt-signing.key), else a new key generated and written to
// that file with 0600 permissions. The file is text:
//   current <base64url seed>
//   retired <kid> <base64url public key> <retire_at unix ms>
// A key file readable by group or others is refused.
//
// Tests in other services mint tokens with: auto s = auth::Signer::Generate();
//   keys->Put(s.kid(), s.public_key()); s.Sign(auth::Claims::For(user_id, email, is_admin)).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/auth/auth.hpp"
#include "shop/core/error.hpp"
#include "shop/core/time.hpp"

namespace shop::auth {

inline constexpr std::int64_t kDefaultAccessTtlS = 900;

struct Claims {
  std::string subject;                 // "sub": the user id
  std::string email;
  std::vector<std::string> roles;      // ["admin"] or ["customer"]
  std::int64_t ttl_s = kDefaultAccessTtlS;
  std::string issuer = std::string(kIssuer);
  std::string audience = std::string(kAudience);
  std::optional<UnixMillis> issued_at;  // default: the signer's clock now ("iat" and "nbf")
  std::string jti;                      // default: a fresh UUIDv7

  static Claims For(std::string user_id, std::string email, bool is_admin,
                    std::int64_t ttl_s = kDefaultAccessTtlS);
};

class Signer {
 public:
  // `seed` must be 32 bytes (else kInvalid). kid = RFC 7638 thumbprint of the public key.
  static Result<Signer> FromSeed(std::string_view seed, const Clock& clock = SystemClock::Instance());
  // A fresh random key (tests, first start).
  static Signer Generate(const Clock& clock = SystemClock::Instance());

  const std::string& kid() const;
  const std::string& public_key() const;  // 32 raw bytes
  std::string SeedBase64Url() const;      // for persisting; never log it

  // The compact JWT. exp = iat + ttl_s; nbf = iat.
  std::string Sign(const Claims& claims) const;

 private:
  struct Key;
  Signer(std::shared_ptr<const Key> key, const Clock& clock) : key_(std::move(key)), clock_(&clock) {}
  std::shared_ptr<const Key> key_;
  const Clock* clock_;
};

// 32 random bytes from the CSPRNG.
std::string GenerateSeed();
// RFC 7638 JWK thumbprint (SHA-256, base64url) of an Ed25519 public key.
std::string Thumbprint(std::string_view public_key);

struct RetiredKey {
  std::string kid;
  std::string public_key;  // 32 raw bytes
  UnixMillis retire_at = 0;
};

class KeyRing {
 public:
  // `file` empty: nothing is persisted (key from the environment, tests).
  KeyRing(Signer current, std::vector<RetiredKey> retired, std::string file, const Clock& clock);

  std::shared_ptr<const Signer> signer() const;
  std::shared_ptr<KeySet> keys() const { return keys_; }
  std::vector<RetiredKey> retired() const;

  // Makes `next` current; the old public key stays in keys() until now + keep_ms. Rewrites the key
  // file when there is one. kUnavailable if the file cannot be written (nothing changes then).
  Result<void> Rotate(Signer next, std::int64_t keep_ms);
  // Drops retired keys whose retire_at has passed (from keys() and the file).
  Result<void> Prune();

 private:
  Result<void> Persist(const Signer& current, const std::vector<RetiredKey>& retired) const;
  mutable std::mutex mu_;
  std::shared_ptr<const Signer> current_;
  std::vector<RetiredKey> retired_;
  std::shared_ptr<KeySet> keys_;
  std::string file_;
  const Clock& clock_;
};

struct KeyOptions {
  std::string private_key;  // JWT_PRIVATE_KEY: base64url 32-byte seed; wins when set
  std::string key_file;     // JWT_KEY_FILE; default <data_dir>/jwt-signing.key
  std::string data_dir;
};

// Loads (or generates and persists) the signing keys as described above; prunes expired retired
// keys. Errors name the source (kInvalid for a bad key or unsafe permissions, kUnavailable for I/O).
Result<std::unique_ptr<KeyRing>> LoadKeyRing(const KeyOptions& options,
                                             const Clock& clock = SystemClock::Instance());

// Writes a key file atomically with 0600 permissions (used by LoadKeyRing and the rotate CLI).
Result<void> WriteKeyFile(const std::string& path, const Signer& current, const std::vector<RetiredKey>& retired);

}  // namespace shop::auth
