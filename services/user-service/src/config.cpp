#include "config.hpp"

namespace shop::user {

Result<Config> Config::FromEnv(config::EnvReader& env) {
  Config c;
  c.access_token_ttl_s = env.Int("ACCESS_TOKEN_TTL_S", c.access_token_ttl_s, 30, 24 * 3600);
  c.refresh_token_ttl_s = env.Int("REFRESH_TOKEN_TTL_S", c.refresh_token_ttl_s, 60, 365LL * 24 * 3600);
  c.login_max_failures_per_account =
      env.Int("LOGIN_MAX_FAILURES_PER_ACCOUNT", c.login_max_failures_per_account, 0, 1'000'000);
  c.login_failure_window_s = env.Int("LOGIN_FAILURE_WINDOW_S", c.login_failure_window_s, 1, 7 * 24 * 3600);
  c.login_max_failures_per_ip = env.Int("LOGIN_MAX_FAILURES_PER_IP", c.login_max_failures_per_ip, 0, 1'000'000);
  c.login_ip_window_s = env.Int("LOGIN_IP_WINDOW_S", c.login_ip_window_s, 1, 24 * 3600);
  c.trust_forwarded_for = env.Bool("TRUST_FORWARDED_FOR", false);
  // The minimums are libsodium's; production keeps the OWASP defaults (tests lower them).
  c.argon2_memlimit_kib = env.Int("ARGON2_MEMLIMIT_KIB", c.argon2_memlimit_kib, 8, 4 * 1024 * 1024);
  c.argon2_opslimit = env.Int("ARGON2_OPSLIMIT", c.argon2_opslimit, 1, 100);
  c.admin_email = env.String("ADMIN_EMAIL", "");
  c.admin_password = env.String("ADMIN_PASSWORD", "");
  c.admin_name = env.String("ADMIN_NAME", c.admin_name);
  c.jwt_private_key = env.String("JWT_PRIVATE_KEY", "");
  c.jwt_key_file = env.String("JWT_KEY_FILE", "");
  if (auto st = env.Finish(); !st) return st.error();
  if (!c.admin_email.empty() && c.admin_password.empty()) {
    return Error::Invalid("ADMIN_PASSWORD", "is required when ADMIN_EMAIL is set");
  }
  return c;
}

}  // namespace shop::user
