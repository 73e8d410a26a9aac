// payment-service: the composition root. Configuration, then the host runs the component.
#include <iostream>

#include "wiring.hpp"

int main(int argc, char** argv) {
  shop::config::EnvReader env;
  auto cfg = shop::payment::Config::FromEnv(env);
  if (!cfg) {
    std::cerr << shop::payment::kServiceName << ": invalid configuration: " << cfg.error().detail << "\n";
    return 2;
  }
  return shop::runtime::RunService(
      {.name = std::string(shop::payment::kServiceName),
       .default_port = shop::payment::kDefaultPort,
       .migrations = shop::payment::Migrations(),
       .mount = [c = *cfg](shop::runtime::ServiceContext& ctx) -> std::unique_ptr<shop::runtime::Component> {
         return std::make_unique<shop::payment::Component>(ctx, c);
       }},
      argc, argv);
}
