// A process killed right after COMMIT (failpoint db.after_commit=crash) leaves the data committed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>

#include "shop/failpoint/failpoint.hpp"
#include "test_db.hpp"

namespace shop::db {
namespace {

using testing::ScalarInt;
using testing::TempDb;

TEST(CommitCrashTest, KilledAfterCommitKeepsTheCommittedWrite) {
  TempDb tmp;
  {
    auto db = tmp.Open();
    ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = Open(tmp.url());
    if (!db || !failpoint::Configure("db.after_commit=crash")) ::_exit(2);
    (void)(*db)->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (7)"); });
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_EQ(WTERMSIG(status), SIGKILL);
  auto db = tmp.Open();
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM t WHERE v = 7"), 1);
}

TEST(CommitCrashTest, KilledBeforeCommitLosesTheWrite) {
  TempDb tmp;
  {
    auto db = tmp.Open();
    ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  }
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    auto db = Open(tmp.url());
    if (!db || !failpoint::Configure("db.before_commit=crash")) ::_exit(2);
    (void)(*db)->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (7)"); });
    ::_exit(0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFSIGNALED(status));
  auto db = tmp.Open();
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM t"), 0);
}

}  // namespace
}  // namespace shop::db
