#include "wiring.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "api/routes.hpp"
#include "app/user_service.hpp"
#include "infra/sql_user_repository.hpp"
#include "shop/auth/signer.hpp"
#include "shop/observability/log.hpp"

namespace shop::user {

namespace {

constexpr auto kSweepInterval = std::chrono::hours(1);

template <class T>
T OrThrow(Result<T> r) {
  if (!r) throw ErrorException(r.error());
  return std::move(*r);
}

std::unique_ptr<auth::KeyRing> LoadKeys(const runtime::ServiceContext& ctx, const Config& cfg) {
  return OrThrow(auth::LoadKeyRing({cfg.jwt_private_key, cfg.jwt_key_file, ctx.data_dir}, ctx.clock));
}

PasswordHasher MakeHasher(const Config& cfg) {
  if (cfg.argon2_memlimit_kib < 19456 || cfg.argon2_opslimit < 2) {
    log::Warn("argon2 parameters below the OWASP minimum (19 MiB, t=2): for tests only",
              {{"memlimit_kib", cfg.argon2_memlimit_kib}, {"opslimit", cfg.argon2_opslimit}});
  }
  return OrThrow(PasswordHasher::Create({static_cast<std::uint64_t>(cfg.argon2_opslimit),
                                         static_cast<std::uint64_t>(cfg.argon2_memlimit_kib)}));
}

ThrottleOptions ThrottleFrom(const Config& cfg) {
  return {static_cast<int>(cfg.login_max_failures_per_account), cfg.login_failure_window_s,
          static_cast<int>(cfg.login_max_failures_per_ip), cfg.login_ip_window_s};
}

}  // namespace

struct Component::Impl {
  runtime::ServiceContext& ctx;
  Config cfg;
  std::unique_ptr<auth::KeyRing> keys;
  std::shared_ptr<auth::TokenVerifier> verifier;
  SqlUserRepository users;
  SqlRefreshTokenRepository tokens;
  PasswordHasher hasher;
  LoginThrottle throttle;
  UserService service;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread sweeper;

  Impl(runtime::ServiceContext& c, Config config)
      : ctx(c),
        cfg(std::move(config)),
        keys(LoadKeys(ctx, cfg)),
        verifier(std::make_shared<auth::TokenVerifier>(keys->keys(), auth::VerifierOptions{}, ctx.clock)),
        hasher(MakeHasher(cfg)),
        throttle(ThrottleFrom(cfg), ctx.clock),
        service(ctx.db, users, tokens, hasher, throttle, *keys, {cfg.access_token_ttl_s, cfg.refresh_token_ttl_s},
                ctx.clock) {}

  void BootstrapAdmin() {
    if (cfg.admin_email.empty()) return;
    auto outcome = OrThrow(service.EnsureAdmin(cfg.admin_email, cfg.admin_password, cfg.admin_name));
    const std::string_view what = outcome == AdminOutcome::kCreated    ? "created"
                                  : outcome == AdminOutcome::kPromoted ? "promoted"
                                                                       : "already admin";
    log::Info("bootstrap admin", {{"outcome", what}});
  }

  void Sweep() {
    std::unique_lock lock(mu);
    while (!stopping) {
      lock.unlock();
      auto n = ctx.db.Write([&](db::Tx& tx) { return tokens.DeleteExpired(tx, ctx.clock.NowMs()); });
      if (!n) log::Warn("refresh token sweep failed", {{"detail", n.error().detail}});
      lock.lock();
      cv.wait_for(lock, kSweepInterval, [this] { return stopping; });
    }
  }
};

Component::Component(runtime::ServiceContext& ctx, Config cfg) : impl_(std::make_unique<Impl>(ctx, std::move(cfg))) {
  impl_->BootstrapAdmin();
  auto& router = ctx.module.router();
  api::MapAuthRoutes(router, impl_->service, *impl_->verifier, *impl_->keys->keys(),
                     {.trust_forwarded_for = impl_->cfg.trust_forwarded_for});
  api::MapUserRoutes(router, impl_->service, *impl_->verifier);
}

Component::~Component() { Stop(); }

void Component::Start() {
  if (impl_->sweeper.joinable()) return;
  impl_->sweeper = std::thread([this] { impl_->Sweep(); });
}

void Component::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->sweeper.joinable()) impl_->sweeper.join();
}

std::shared_ptr<auth::KeySet> Component::keys() const { return impl_->keys->keys(); }

std::shared_ptr<const auth::TokenVerifier> Component::verifier() const { return impl_->verifier; }

runtime::ServiceSpec Spec(Config cfg) {
  runtime::ServiceSpec spec;
  spec.name = std::string(kServiceName);
  spec.default_port = kDefaultPort;
  spec.migrations = Migrations();
  spec.mount = [cfg = std::move(cfg)](runtime::ServiceContext& ctx) -> std::unique_ptr<runtime::Component> {
    return std::make_unique<Component>(ctx, cfg);
  };
  return spec;
}

}  // namespace shop::user
