// `user-service admin create ...`: the admin bootstrap CLI (also reachable from the all-in-one).
#include <cstdio>
#include <string>
#include <string_view>

#include "app/user_service.hpp"
#include "infra/sql_user_repository.hpp"
#include "shop/auth/signer.hpp"
#include "wiring.hpp"

namespace shop::user {

namespace {

// How long a rotated-out key stays published when rotating from the CLI: its tokens' lifetime, the
// verifier leeway, and an hour for the service to be restarted (until then it still signs with it).
constexpr std::int64_t kRestartGraceS = 3600;

int Usage() {
  std::fprintf(stderr,
               "usage: %s admin create --email EMAIL [--password PASSWORD] [--name NAME]\n"
               "       %s admin rotate-key\n"
               "  without --password, ADMIN_PASSWORD is read from the environment\n"
               "  the database is DATABASE_URL (default sqlite:///<DATA_DIR>/user.db)\n"
               "  rotate-key writes a new key to JWT_KEY_FILE (default <DATA_DIR>/jwt-signing.key);\n"
               "  restart the service within the hour: the old key stays valid until then plus its tokens' TTL\n",
               std::string(kServiceName).c_str(), std::string(kServiceName).c_str());
  return 2;
}

int RotateKey() {
  config::EnvReader env;
  const auto process = runtime::ReadProcessConfig(env, kServiceName, kDefaultPort);
  auto cfg = Config::FromEnv(env);
  if (!cfg) {
    std::fprintf(stderr, "configuration: %s\n", cfg.error().detail.c_str());
    return 2;
  }
  if (!cfg->jwt_private_key.empty()) {
    std::fprintf(stderr, "rotate-key: the key comes from JWT_PRIVATE_KEY; rotate it where that is managed\n");
    return 2;
  }
  const Clock& clock = SystemClock::Instance();
  auto ring = auth::LoadKeyRing({"", cfg->jwt_key_file, process.data_dir}, clock);
  if (!ring) {
    std::fprintf(stderr, "rotate-key: %s\n", ring.error().detail.c_str());
    return 1;
  }
  const auto old_kid = (*ring)->signer()->kid();
  const std::int64_t keep_ms = (cfg->access_token_ttl_s + auth::VerifierOptions{}.leeway_s + kRestartGraceS) * 1000;
  if (auto r = (*ring)->Rotate(auth::Signer::Generate(clock), keep_ms); !r) {
    std::fprintf(stderr, "rotate-key: %s\n", r.error().detail.c_str());
    return 1;
  }
  std::printf("rotate-key: new kid %s; %s stays published until %s\n", (*ring)->signer()->kid().c_str(),
              old_kid.c_str(), FormatRfc3339(clock.NowMs() + keep_ms).c_str());
  return 0;
}

}  // namespace

int RunAdminCli(int argc, char** argv) {
  if (argc == 3 && std::string_view(argv[1]) == "admin" && std::string_view(argv[2]) == "rotate-key") {
    return RotateKey();
  }
  if (argc < 3 || std::string_view(argv[1]) != "admin" || std::string_view(argv[2]) != "create") return Usage();
  std::string email, password, name = "Administrator";
  for (int i = 3; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (i + 1 >= argc) return Usage();
    if (arg == "--email") {
      email = argv[++i];
    } else if (arg == "--password") {
      password = argv[++i];
    } else if (arg == "--name") {
      name = argv[++i];
    } else {
      return Usage();
    }
  }
  config::EnvReader env;
  const auto process = runtime::ReadProcessConfig(env, kServiceName, kDefaultPort);
  auto cfg = Config::FromEnv(env);  // also runs env.Finish() for the process settings
  if (!cfg) {
    std::fprintf(stderr, "configuration: %s\n", cfg.error().detail.c_str());
    return 2;
  }
  if (password.empty()) password = cfg->admin_password;
  if (email.empty() || password.empty()) return Usage();

  auto db = runtime::OpenDatabase(process.database_url, kServiceName, Migrations());
  if (!db) {
    std::fprintf(stderr, "database: %s\n", db.error().detail.c_str());
    return 1;
  }
  auto hasher = PasswordHasher::Create(
      {static_cast<std::uint64_t>(cfg->argon2_opslimit), static_cast<std::uint64_t>(cfg->argon2_memlimit_kib)});
  if (!hasher) {
    std::fprintf(stderr, "argon2: %s\n", hasher.error().detail.c_str());
    return 2;
  }
  const Clock& clock = SystemClock::Instance();
  SqlUserRepository users;
  SqlRefreshTokenRepository tokens;
  LoginThrottle throttle({}, clock);
  // Never signs here: an ephemeral key satisfies the service's constructor without touching the
  // real key file.
  auth::KeyRing keys(auth::Signer::Generate(clock), {}, "", clock);
  UserService service(**db, users, tokens, *hasher, throttle, keys, {}, clock);
  auto outcome = service.EnsureAdmin(email, password, name);
  if (!outcome) {
    std::fprintf(stderr, "admin create: %s\n", outcome.error().detail.c_str());
    return 1;
  }
  const char* what = *outcome == AdminOutcome::kCreated    ? "created"
                     : *outcome == AdminOutcome::kPromoted ? "promoted to admin"
                                                           : "already an admin";
  std::printf("admin %s: %s\n", NormalizeEmail(email).c_str(), what);
  return 0;
}

}  // namespace shop::user
