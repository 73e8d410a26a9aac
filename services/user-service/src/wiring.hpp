// The user-service component: accounts, login, tokens. Built from what the host gives
// (runtime::ServiceContext): it loads or creates the Ed25519 signing keys under ctx.data_dir,
// builds its own TokenVerifier from them (ctx.verifier is null for this service), creates the
// bootstrap admin (ADMIN_EMAIL/ADMIN_PASSWORD) and mounts the routes on ctx.module. Start() runs a
// sweeper that deletes expired refresh tokens; Stop() joins it.
// Used by main.cpp (its own process) and apps/all-in-one (one module of four; the host builds the
// verifier shared by the other modules from keys()). Throws ErrorException if start-up fails.
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "shop/auth/auth.hpp"
#include "shop/db/migrations.hpp"
#include "shop/runtime/runtime.hpp"

namespace shop::user {

inline constexpr std::string_view kServiceName = "user-service";
inline constexpr std::uint16_t kDefaultPort = 8001;

// Generated from migrations/sqlite (cmake/Migrations.cmake).
std::vector<db::Migration> Migrations();

class Component final : public runtime::Component {
 public:
  Component(runtime::ServiceContext& ctx, Config cfg);
  ~Component() override;
  void Start() override;
  void Stop() override;

  // The public keys that verify this service's tokens (the JWKS), shared live: a rotation shows up.
  std::shared_ptr<auth::KeySet> keys() const;
  std::shared_ptr<const auth::TokenVerifier> verifier() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The ServiceSpec for runtime::RunService (name, default port, migrations, mount).
runtime::ServiceSpec Spec(Config cfg);

// `<binary> admin create --email E [--password P] [--name N]`: creates the admin in DATABASE_URL, or
// promotes the existing account with that email. Without --password, ADMIN_PASSWORD is used (a
// password on the command line is visible in `ps`). `<binary> admin rotate-key` writes a new signing
// key to the key file (the old one stays published until its tokens expire; restart to use it).
// argv[1] must be "admin". Returns the exit code.
int RunAdminCli(int argc, char** argv);

}  // namespace shop::user
