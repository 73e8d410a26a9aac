// Hand-built JWTs for the verifier tests: a baseline that verifies, and forgeries that each change
// one thing. Keys are generated per test with libsodium.
#pragma once

#include <sodium.h>

#include <boost/json/serialize.hpp>

#include <cstdlib>
#include <string>

#include "shop/auth/auth.hpp"
#include "shop/core/strings.hpp"
#include "shop/core/time.hpp"

namespace shop::auth::testing {

struct TestKey {
  std::string kid = "test-kid";
  std::string pk = std::string(crypto_sign_PUBLICKEYBYTES, '\0');
  std::string sk = std::string(crypto_sign_SECRETKEYBYTES, '\0');
  TestKey() {
    if (sodium_init() < 0) std::abort();
    crypto_sign_keypair(reinterpret_cast<unsigned char*>(pk.data()), reinterpret_cast<unsigned char*>(sk.data()));
  }
};

inline boost::json::object GoodHeader(const TestKey& k) {
  return {{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", k.kid}};
}

inline boost::json::object GoodClaims(std::int64_t now_s) {
  return {{"iss", kIssuer},      {"sub", "user-1"},   {"aud", kAudience},
          {"exp", now_s + 900},  {"nbf", now_s},      {"iat", now_s},
          {"jti", "jti-1"},      {"email", "a@b.co"}, {"roles", boost::json::array{"customer"}}};
}

inline std::string B64(std::string_view s) { return Base64UrlEncode(s); }

inline std::string SigningInput(const boost::json::object& header, const boost::json::object& claims) {
  return B64(boost::json::serialize(header)) + "." + B64(boost::json::serialize(claims));
}

inline std::string Ed25519Sign(std::string_view input, const TestKey& k) {
  unsigned char sig[crypto_sign_BYTES];
  crypto_sign_detached(sig, nullptr, reinterpret_cast<const unsigned char*>(input.data()), input.size(),
                       reinterpret_cast<const unsigned char*>(k.sk.data()));
  return B64(std::string_view(reinterpret_cast<const char*>(sig), sizeof sig));
}

inline std::string HmacSha256(std::string_view input, std::string_view secret) {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(input.data()), input.size());
  crypto_auth_hmacsha256_final(&st, mac);
  return B64(std::string_view(reinterpret_cast<const char*>(mac), sizeof mac));
}

inline std::string EdToken(const boost::json::object& header, const boost::json::object& claims, const TestKey& k) {
  const auto input = SigningInput(header, claims);
  return input + "." + Ed25519Sign(input, k);
}

inline std::int64_t Seconds(const Clock& c) { return c.NowMs() / 1000; }

}  // namespace shop::auth::testing
