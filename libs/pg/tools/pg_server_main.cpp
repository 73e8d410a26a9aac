// shop_pg_server: a private PostgreSQL cluster for local runs of the distributed shape and its
// end-to-end tests (see shop/db/pg_testing.hpp for how it is set up).
//   shop_pg_server [--url-file PATH] [DATABASE...]
// Creates each DATABASE, prints one "NAME=postgresql://..." line per database (and "SERVER=..."
// for the postgres database) to stdout and, atomically, to PATH; then waits for SIGINT/SIGTERM,
// stops the server and deletes its directory. Exit status 2 when PostgreSQL is not installed.
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "shop/db/pg_testing.hpp"

int main(int argc, char** argv) {
  std::string url_file;
  std::vector<std::string> databases;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--url-file" && i + 1 < argc) {
      url_file = argv[++i];
    } else if (arg == "-h" || arg == "--help") {
      std::cout << "usage: shop_pg_server [--url-file PATH] [DATABASE...]\n";
      return 0;
    } else {
      databases.push_back(arg);
    }
  }
  // Block the signals before any thread exists, then wait for them synchronously.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto server = shop::db::testing::PgServer::Start();
  if (!server) {
    std::cerr << "shop_pg_server: " << server.error().detail << "\n";
    return server.error().code == shop::Errc::kUnavailable ? 2 : 1;
  }
  std::string lines = "SERVER=" + (*server)->Url() + "\n";
  for (const auto& name : databases) {
    auto url = (*server)->CreateDatabase(name);
    if (!url) {
      std::cerr << "shop_pg_server: " << url.error().detail << "\n";
      return 1;
    }
    lines += name + "=" + *url + "\n";
  }
  std::cout << lines << std::flush;
  if (!url_file.empty()) {
    const std::string tmp = url_file + ".tmp";
    std::ofstream(tmp) << lines;
    std::rename(tmp.c_str(), url_file.c_str());
  }
  int sig = 0;
  sigwait(&set, &sig);
  std::cerr << "shop_pg_server: stopping\n";
  return 0;  // ~PgServer stops the cluster and removes its directory
}
