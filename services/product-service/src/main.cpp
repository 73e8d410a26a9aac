// product-service: catalog and inventory (its own process). `product-service seed-demo` loads the
// demo catalog into DATABASE_URL (only when it is empty) and exits.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/config/env.hpp"
#include "shop/core/time.hpp"
#include "wiring.hpp"

namespace {

int SeedDemo() {
  shop::config::EnvReader env;
  const std::string url = env.DatabaseUrl("DATABASE_URL", "sqlite://product.db");
  if (auto st = env.Finish(); !st) {
    std::fprintf(stderr, "configuration: %s\n", st.error().detail.c_str());
    return 2;
  }
  auto db = shop::runtime::OpenDatabase(url, shop::product::kServiceName, shop::product::Migrations());
  if (!db) {
    std::fprintf(stderr, "database: %s\n", db.error().detail.c_str());
    return 1;
  }
  auto n = shop::product::LoadDemoCatalog(**db, shop::SystemClock::Instance());
  if (!n) {
    std::fprintf(stderr, "seed-demo: %s\n", n.error().detail.c_str());
    return 1;
  }
  std::printf("seed-demo: loaded %d products%s\n", *n, *n == 0 ? " (store not empty, nothing done)" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "seed-demo") return SeedDemo();
  shop::config::EnvReader env;
  auto cfg = shop::product::Config::FromEnv(env);
  if (!cfg) {
    std::fprintf(stderr, "configuration: %s\n", cfg.error().detail.c_str());
    for (const auto& f : cfg.error().fields) std::fprintf(stderr, "  %s: %s\n", f.field.c_str(), f.message.c_str());
    return 2;
  }
  return shop::runtime::RunService(shop::product::Spec(*cfg), argc, argv);
}
