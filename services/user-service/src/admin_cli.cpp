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

int Usage() {
  std::fprintf(stderr,
               "usage: %s admin create --email EMAIL [--password PASSWORD] [--name NAME]\n"
               "  without --password, ADMIN_PASSWORD is read from the environment\n"
               "  the database is DATABASE_URL (default sqlite:///<DATA_DIR>/user.db)\n",
               std::string(kServiceName).c_str());
  return 2;
}

}  // namespace

int RunAdminCli(int argc, char** argv) {
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
