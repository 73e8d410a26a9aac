// A private PostgreSQL server for tests and local runs, from Debian's `postgresql` package:
// initdb into a fresh temporary directory, listen on 127.0.0.1 on a free port (the unix socket in
// the same directory), fsync/synchronous_commit/full_page_writes off for speed, trust auth for
// the `postgres` user. The destructor stops it (immediate shutdown) and deletes the directory; a
// watchdog process does the same if the owner dies without running it (SIGKILL, a crash).
// When running as root, initdb and the server run as the `postgres` system user (runuser), since
// PostgreSQL refuses to run as root. Start() fails with kUnavailable when no binaries are found
// under /usr/lib/postgresql/*/bin (or $PG_BIN_DIR): tests GTEST_SKIP on that.
// The data directory is a copy of a pristine cluster cached in /tmp/shop-pg-template-<v>-w1-<uid>
// (initdb once per machine; SHOP_PG_NO_TEMPLATE=1 runs initdb every time).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "shop/core/error.hpp"

namespace shop::db::testing {

class PgServer {
 public:
  struct Options {
    // Extra postgresql.conf lines, e.g. "max_connections = 200".
    std::vector<std::string> settings;
  };

  static Result<std::unique_ptr<PgServer>> Start(const Options& options);
  static Result<std::unique_ptr<PgServer>> Start() { return Start(Options{}); }
  // The newest /usr/lib/postgresql/<v>/bin holding initdb and pg_ctl (or $PG_BIN_DIR).
  static std::optional<std::string> FindBinDir();

  ~PgServer();
  PgServer(const PgServer&) = delete;
  PgServer& operator=(const PgServer&) = delete;

  int port() const { return port_; }
  const std::string& dir() const { return dir_; }
  // postgresql://postgres@127.0.0.1:<port>/<database>
  std::string Url(std::string_view database = "postgres") const;
  // CREATE DATABASE <name> (a plain identifier); returns its URL.
  Result<std::string> CreateDatabase(std::string_view name);

 private:
  PgServer(std::string bin, std::string dir, bool as_postgres) : bin_(std::move(bin)), dir_(std::move(dir)), as_postgres_(as_postgres) {}
  Result<void> Init(const Options& options);
  Result<void> MakeDataDir(const std::string& data);
  Result<void> Launch();
  int Run(const std::vector<std::string>& argv) const;
  void StartWatchdog();

  std::string bin_;
  std::string dir_;
  bool as_postgres_;
  int port_ = 0;
  bool running_ = false;
  int watchdog_fd_ = -1;
  int watchdog_pid_ = -1;
};

}  // namespace shop::db::testing
