// ecommerce-platform: the embedded shape. One process hosts the API gateway and the four
// services, each service with its own SQLite file under DATA_DIR (database per service holds here
// too) and its own worker pool; events travel through the in-process bus; the gateway reaches each
// service through an in-process http::Upstream (ADR 0001).
//
//   ecommerce-platform                      serve on HOST:PORT (default 127.0.0.1:8080)
//   ecommerce-platform admin create --email E --password P [--name N]
#include <cstdio>
#include <cstring>
#include <iostream>
#include <map>

#include "gateway.hpp"
#include "shop/events/relay.hpp"
#include "shop/http/pipeline.hpp"
#include "shop/http/server.hpp"
#include "shop/observability/log.hpp"
#include "shop/runtime/runtime.hpp"
#include "embedded.hpp"

int main(int argc, char** argv) {
  if (argc >= 2 && std::strcmp(argv[1], "admin") == 0) return shop::embedded::RunAdminCli(argc, argv);
  if (argc >= 2 && (std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0)) {
    std::puts(
        "usage: ecommerce-platform                 start the embedded platform (env: HOST, PORT, DATA_DIR, ...)\n"
        "       ecommerce-platform admin create --email E --password P [--name N]");
    return 0;
  }
  if (argc >= 2) {
    std::cerr << "ecommerce-platform: unknown command '" << argv[1] << "' (try --help)\n";
    return 2;
  }
  return shop::embedded::Serve();
}
