#include "wiring.hpp"

#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "api/payment_routes.hpp"
#include "app/payment_service.hpp"
#include "infra/fingerprint_key.hpp"
#include "infra/http_order_client.hpp"
#include "infra/order_events_consumer.hpp"
#include "infra/sandbox_provider.hpp"
#include "infra/sql_payment_repository.hpp"
#include "shop/idempotency/idempotency.hpp"
#include "shop/observability/log.hpp"

namespace shop::payment {
namespace {

std::unique_ptr<app::PaymentProvider> MakeProvider(const Config& cfg) {
  if (cfg.provider == "sandbox") return std::make_unique<infra::SandboxProvider>();
  throw std::runtime_error("PAYMENT_PROVIDER: unknown provider \"" + cfg.provider + "\"");
}

std::string FingerprintKey(const runtime::ServiceContext& ctx) {
  const auto path = (std::filesystem::path(ctx.data_dir.empty() ? "." : ctx.data_dir) / infra::kFingerprintKeyFile).string();
  auto key = infra::LoadOrCreateFingerprintKey(path);
  if (!key) throw std::runtime_error(key.error().detail);
  return std::move(*key);
}

}  // namespace

struct Component::Impl {
  db::Database& db;
  const Clock& clock;
  Config config;
  std::string fingerprint_key;
  infra::SqlPaymentRepository repository;
  std::unique_ptr<app::PaymentProvider> provider;
  infra::HttpOrderClient orders;
  app::PaymentService service;

  std::mutex mu;
  std::condition_variable cv;
  bool stopping = false;
  std::thread purger;

  Impl(runtime::ServiceContext& ctx, const Config& cfg)
      : db(ctx.db),
        clock(ctx.clock),
        config(cfg),
        fingerprint_key(FingerprintKey(ctx)),
        provider(MakeProvider(cfg)),
        orders([upstream = ctx.upstream]() -> http::Upstream& { return upstream("order-service"); }),
        service(ctx.db, repository, orders, *provider, ctx.clock) {}

  void PurgeLoop() {
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(config.purge_interval_ms), [this] { return stopping; })) {
      lock.unlock();
      if (auto n = idempotency::Purge(db, clock.NowMs()); !n) {
        log::Warn("idempotency key purge failed", {{"detail", std::string_view(n.error().detail)}});
      }
      lock.lock();
    }
  }
};

Component::Component(runtime::ServiceContext& ctx, Config cfg) : impl_(std::make_unique<Impl>(ctx, cfg)) {
  if (!ctx.verifier) throw std::runtime_error("payment-service needs a token verifier");
  api::MapPaymentRoutes(ctx.module.router(),
                        {impl_->service, ctx.verifier, [key = impl_->fingerprint_key](const http::Request& r) {
                           return infra::KeyedFingerprint(key, idempotency::Fingerprint(r));
                         }});
  infra::SubscribeOrderEvents(ctx.bus, impl_->service);
}

Component::~Component() { Stop(); }

void Component::Start() {
  if (impl_->purger.joinable()) return;
  impl_->purger = std::thread([this] { impl_->PurgeLoop(); });
}

void Component::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->purger.joinable()) impl_->purger.join();
}

}  // namespace shop::payment
