// Password hashing: Argon2id through libsodium's crypto_pwhash_str. The encoded string carries
// its parameters ("$argon2id$v=19$m=19456,t=2,p=1$..."), so they can be raised later: NeedsRehash
// tells the login path to re-hash with the current parameters.
//
// CPU- and memory-heavy (~50 ms, 19 MiB at the OWASP defaults): call only from a worker pool
// (the user-service Module's blocking handlers), never from an I/O thread. Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "shop/core/error.hpp"

namespace shop::user {

struct HashParams {
  std::uint64_t opslimit = 2;                // t
  std::uint64_t memlimit_kib = 19 * 1024;    // m = 19 MiB (OWASP's minimum for Argon2id)
};

class PasswordHasher {
 public:
  // kInvalid if the parameters are below libsodium's minimum (t >= 1, m >= 8 KiB).
  static Result<PasswordHasher> Create(HashParams params);

  // kInternal if libsodium cannot allocate the memory.
  Result<std::string> Hash(std::string_view password) const;
  // Constant-time in the password; false for a malformed hash.
  bool Verify(std::string_view hash, std::string_view password) const;
  // True if `hash` was made with other parameters (or is not an Argon2id string).
  bool NeedsRehash(std::string_view hash) const;

  // Burns the same time as a Verify against a real hash: used for unknown emails, so a login for
  // an address that does not exist takes as long as a wrong password.
  void VerifyDummy(std::string_view password) const;

  const HashParams& params() const { return params_; }

 private:
  explicit PasswordHasher(HashParams p) : params_(p) {}
  HashParams params_;
  std::string dummy_hash_;
};

}  // namespace shop::user
