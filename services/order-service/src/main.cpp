// order-service: cart, orders and the order side of the checkout saga (README.md).
#include <cstdio>

#include "wiring.hpp"

int main(int argc, char** argv) {
  shop::config::EnvReader env;
  auto cfg = shop::order::Config::FromEnv(env);
  if (auto ok = env.Finish(); !ok) {
    std::fprintf(stderr, "order-service: invalid configuration: %s\n", ok.error().detail.c_str());
    return 2;
  }
  return shop::runtime::RunService(shop::order::Spec(cfg), argc, argv);
}
