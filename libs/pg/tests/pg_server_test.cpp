// The test server's watchdog: a server whose owner is killed (no destructor runs) still stops.
#include <gtest/gtest.h>

#include <libpq-fe.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

#include "shop/db/pg_testing.hpp"

extern char** environ;

namespace shop::db::testing {
namespace {

TEST(PgServerTest, ServerOfAKilledOwnerIsStoppedByItsWatchdog) {
  if (!PgServer::FindBinDir()) GTEST_SKIP() << "PostgreSQL is not installed";
  int out[2];
  ASSERT_EQ(::pipe(out), 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_addclose(&actions, out[0]);
  std::string bin = SHOP_PG_SERVER_BIN;
  char* argv[] = {bin.data(), nullptr};
  pid_t owner = 0;
  ASSERT_EQ(::posix_spawn(&owner, bin.c_str(), &actions, nullptr, argv, environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out[1]);
  FILE* lines = ::fdopen(out[0], "r");
  char buf[512] = {};
  ASSERT_NE(std::fgets(buf, sizeof buf, lines), nullptr) << "shop_pg_server printed nothing";
  std::fclose(lines);
  std::string line(buf);
  ASSERT_EQ(line.rfind("SERVER=", 0), 0u) << line;
  const std::string url = line.substr(7, line.find_last_not_of("\n") - 6);
  ASSERT_EQ(PQping(url.c_str()), PQPING_OK) << url;

  ::kill(owner, SIGKILL);  // no destructor, no signal handler
  int status = 0;
  ::waitpid(owner, &status, 0);

  PGPing ping = PQPING_OK;
  for (int i = 0; i < 600 && ping != PQPING_NO_RESPONSE; ++i) {  // bounded wait, up to a minute
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ping = PQping(url.c_str());
  }
  EXPECT_EQ(ping, PQPING_NO_RESPONSE) << "the server outlived its owner: " << url;
}

}  // namespace
}  // namespace shop::db::testing
