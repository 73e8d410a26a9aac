// user-service: accounts, login and tokens (its own process).
// `user-service admin create --email E [--password P] [--name N]` creates the admin and exits.
#include <cstdio>
#include <string_view>

#include "shop/config/env.hpp"
#include "wiring.hpp"

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "admin") return shop::user::RunAdminCli(argc, argv);
  shop::config::EnvReader env;
  auto cfg = shop::user::Config::FromEnv(env);
  if (!cfg) {
    std::fprintf(stderr, "configuration: %s\n", cfg.error().detail.c_str());
    return 2;
  }
  return shop::runtime::RunService(shop::user::Spec(*cfg), argc, argv);
}
