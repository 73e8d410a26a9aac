// product-service: catalog and inventory (its own process). `product-service seed-demo [N]` loads
// the demo catalog (320 products, or N) into DATABASE_URL, only when it has no products, and exits.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "shop/config/env.hpp"
#include "shop/core/strings.hpp"
#include "shop/core/time.hpp"
#include "wiring.hpp"

namespace {

int SeedDemo(int argc, char** argv) {
  int count = shop::product::kDemoCatalogSize;
  if (argc > 2) {
    auto n = shop::ParseInt(argv[2]);
    if (!n || *n < 1 || *n > 10'000'000) {
      std::fprintf(stderr, "usage: product-service seed-demo [N]   (1 <= N <= 10000000)\n");
      return 2;
    }
    count = static_cast<int>(*n);
  }
  shop::config::EnvReader env;
  const std::string url = env.DatabaseUrl("DATABASE_URL", "sqlite://product.db");
  if (auto st = env.Finish(); !st) {
    std::fprintf(stderr, "configuration: %s\n", st.error().detail.c_str());
    return 2;
  }
  auto db = shop::runtime::OpenDatabase(url, shop::product::kServiceName, shop::product::Migrations(),
                                          shop::product::PgMigrations());
  if (!db) {
    std::fprintf(stderr, "database: %s\n", db.error().detail.c_str());
    return 1;
  }
  auto n = shop::product::LoadDemoCatalog(**db, shop::SystemClock::Instance(), count);
  if (!n) {
    std::fprintf(stderr, "seed-demo: %s\n", n.error().detail.c_str());
    return 1;
  }
  std::printf("seed-demo: loaded %d products%s\n", *n, *n == 0 ? " (store not empty, nothing done)" : "");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string_view(argv[1]) == "seed-demo") return SeedDemo(argc, argv);
  shop::config::EnvReader env;
  const auto cfg = shop::product::Config::FromEnv(env);
  if (auto st = env.Finish(); !st) {
    std::fprintf(stderr, "product-service: invalid configuration: %s\n", st.error().detail.c_str());
    return 2;
  }
  return shop::runtime::RunService(shop::product::Spec(cfg), argc, argv);
}
