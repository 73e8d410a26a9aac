// Signer: Ed25519 (libsodium) compact JWTs.
#include "shop/auth/signer.hpp"

#include <sodium.h>

#include <boost/json/serialize.hpp>

#include "shop/core/ids.hpp"
#include "shop/core/strings.hpp"

namespace shop::auth {

struct Signer::Key {
  std::string kid;
  std::string public_key;   // 32 bytes
  std::string secret_key;   // 64 bytes (seed || public key), libsodium layout
  std::string header_b64;   // base64url of {"alg":"EdDSA","typ":"JWT","kid":...}
  ~Key() { sodium_memzero(secret_key.data(), secret_key.size()); }
};

namespace {

void EnsureSodium() {
  static const int rc = sodium_init();
  (void)rc;  // 1 when already initialised; -1 does not happen on Linux
}

}  // namespace

Claims Claims::For(std::string user_id, std::string email, bool is_admin, std::int64_t ttl_s) {
  Claims c;
  c.subject = std::move(user_id);
  c.email = std::move(email);
  c.roles = {is_admin ? "admin" : "customer"};
  c.ttl_s = ttl_s;
  return c;
}

std::string GenerateSeed() {
  EnsureSodium();
  std::string seed(crypto_sign_SEEDBYTES, '\0');
  randombytes_buf(seed.data(), seed.size());
  return seed;
}

std::string Thumbprint(std::string_view public_key) {
  EnsureSodium();
  // RFC 7638 §3.2: the required members in lexicographic order, no whitespace.
  const std::string canonical =
      R"({"crv":"Ed25519","kty":"OKP","x":")" + Base64UrlEncode(public_key) + R"("})";
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(digest.data()),
                     reinterpret_cast<const unsigned char*>(canonical.data()), canonical.size());
  return Base64UrlEncode(digest);
}

Result<Signer> Signer::FromSeed(std::string_view seed, const Clock& clock) {
  if (seed.size() != crypto_sign_SEEDBYTES) return Error::Invalid("key", "an Ed25519 seed is 32 bytes");
  EnsureSodium();
  auto key = std::make_shared<Key>();
  key->public_key.assign(crypto_sign_PUBLICKEYBYTES, '\0');
  key->secret_key.assign(crypto_sign_SECRETKEYBYTES, '\0');
  crypto_sign_seed_keypair(reinterpret_cast<unsigned char*>(key->public_key.data()),
                           reinterpret_cast<unsigned char*>(key->secret_key.data()),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  key->kid = Thumbprint(key->public_key);
  key->header_b64 = Base64UrlEncode(
      boost::json::serialize(boost::json::object{{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", key->kid}}));
  return Signer(std::move(key), clock);
}

Signer Signer::Generate(const Clock& clock) {
  auto seed = GenerateSeed();
  auto s = FromSeed(seed, clock);
  sodium_memzero(seed.data(), seed.size());
  return std::move(*s);
}

const std::string& Signer::kid() const { return key_->kid; }
const std::string& Signer::public_key() const { return key_->public_key; }

std::string Signer::SeedBase64Url() const {
  return Base64UrlEncode(std::string_view(key_->secret_key).substr(0, crypto_sign_SEEDBYTES));
}

std::string Signer::Sign(const Claims& claims) const {
  const std::int64_t iat = claims.issued_at.value_or(clock_->NowMs()) / 1000;
  boost::json::array roles;
  for (const auto& r : claims.roles) roles.emplace_back(r);
  boost::json::object payload{
      {"iss", claims.issuer},
      {"sub", claims.subject},
      {"aud", claims.audience},
      {"exp", iat + claims.ttl_s},
      {"nbf", iat},
      {"iat", iat},
      {"jti", claims.jti.empty() ? NewId() : claims.jti},
      {"email", claims.email},
      {"roles", std::move(roles)},
  };
  std::string token = key_->header_b64;
  token += '.';
  token += Base64UrlEncode(boost::json::serialize(payload));
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(token.data()), token.size(),
                       reinterpret_cast<const unsigned char*>(key_->secret_key.data()));
  token += '.';
  token += Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
  return token;
}

}  // namespace shop::auth
