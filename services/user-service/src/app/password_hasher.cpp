#include "app/password_hasher.hpp"

#include <sodium.h>

namespace shop::user {

Result<PasswordHasher> PasswordHasher::Create(HashParams params) {
  if (sodium_init() < 0) return Error::Internal("libsodium failed to initialise");
  if (params.opslimit < crypto_pwhash_OPSLIMIT_MIN || params.memlimit_kib * 1024 < crypto_pwhash_MEMLIMIT_MIN) {
    return Error::Invalid("ARGON2", "opslimit must be >= 1 and memlimit >= 8 KiB");
  }
  PasswordHasher h(params);
  // A hash of a random password with the current parameters: VerifyDummy runs against it.
  std::string random(32, '\0');
  randombytes_buf(random.data(), random.size());
  auto dummy = h.Hash(random);
  sodium_memzero(random.data(), random.size());
  if (!dummy) return dummy.error();
  h.dummy_hash_ = std::move(*dummy);
  return h;
}

Result<std::string> PasswordHasher::Hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), params_.opslimit,
                            static_cast<std::size_t>(params_.memlimit_kib * 1024),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Error::Internal("password hashing ran out of memory");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view hash, std::string_view password) const {
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string h(hash);  // NUL-terminated copy, as libsodium expects
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

bool PasswordHasher::NeedsRehash(std::string_view hash) const {
  const std::string h(hash);
  return crypto_pwhash_str_needs_rehash(h.c_str(), params_.opslimit,
                                        static_cast<std::size_t>(params_.memlimit_kib * 1024)) != 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const { (void)Verify(dummy_hash_, password); }

}  // namespace shop::user
