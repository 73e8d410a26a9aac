// user-service configuration, read once from the environment and validated at start-up.
//   ACCESS_TOKEN_TTL_S              access-token lifetime (default 900 = 15 min)
//   REFRESH_TOKEN_TTL_S             refresh-token lifetime (default 2592000 = 30 days)
//   LOGIN_MAX_FAILURES_PER_ACCOUNT  failed logins per account per window (default 10; 0 = off)
//   LOGIN_FAILURE_WINDOW_S          the account window (default 900)
//   LOGIN_MAX_FAILURES_PER_IP       failed logins per client IP per window (default 100; 0 = off)
//   LOGIN_IP_WINDOW_S               the IP window (default 60)
//   TRUST_FORWARDED_FOR             1: the client IP is the last X-Forwarded-For entry (behind
//                                   the gateway only; default 0: the socket peer)
//   ARGON2_MEMLIMIT_KIB / ARGON2_OPSLIMIT   Argon2id cost (default 19456 KiB = 19 MiB, t = 2)
//   ADMIN_EMAIL / ADMIN_PASSWORD / ADMIN_NAME   bootstrap admin, created at start if missing
//   JWT_PRIVATE_KEY                 base64url 32-byte Ed25519 seed (wins over the key file)
//   JWT_KEY_FILE                    key file (default <DATA_DIR>/jwt-signing.key, created 0600)
// (DATABASE_URL, PORT, DATA_DIR and CURSOR_SECRET are the host's: shop::runtime.)
#pragma once

#include <cstdint>
#include <string>

#include "shop/config/env.hpp"
#include "shop/core/error.hpp"

namespace shop::user {

struct Config {
  std::int64_t access_token_ttl_s = 900;
  std::int64_t refresh_token_ttl_s = 30LL * 24 * 3600;
  std::int64_t login_max_failures_per_account = 10;
  std::int64_t login_failure_window_s = 900;
  std::int64_t login_max_failures_per_ip = 100;
  std::int64_t login_ip_window_s = 60;
  bool trust_forwarded_for = false;
  std::int64_t argon2_memlimit_kib = 19456;
  std::int64_t argon2_opslimit = 2;
  std::string admin_email;
  std::string admin_password;  // never logged
  std::string admin_name = "Administrator";
  std::string jwt_private_key;  // never logged
  std::string jwt_key_file;

  // kInvalid naming every bad variable.
  static Result<Config> FromEnv(config::EnvReader& env);
};

}  // namespace shop::user
