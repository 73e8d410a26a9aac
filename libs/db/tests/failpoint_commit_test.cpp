#include <gtest/gtest.h>

#include "shop/failpoint/failpoint.hpp"
#include "test_db.hpp"

namespace shop::db {
namespace {

using testing::Exec;
using testing::ScalarInt;

class CommitFailpointTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::move(*Open("sqlite::memory:"));
    ASSERT_TRUE(db_->ExecScript("CREATE TABLE t(v INTEGER)"));
    db_->OnCommit([this] { ++commits_; });
  }
  void TearDown() override { failpoint::Clear(); }
  std::unique_ptr<Database> db_;
  int commits_ = 0;
};

TEST_F(CommitFailpointTest, AfterCommitErrorReportsFailureButDataIsCommitted) {
  ASSERT_TRUE(failpoint::Configure("db.after_commit=1*error"));
  auto r = Exec(*db_, "INSERT INTO t VALUES (1)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kUnavailable);
  EXPECT_EQ(ScalarInt(*db_, "SELECT COUNT(*) FROM t"), 1);
  EXPECT_EQ(commits_, 1);
}

TEST_F(CommitFailpointTest, BeforeCommitErrorRollsBack) {
  ASSERT_TRUE(failpoint::Configure("db.before_commit=error"));
  auto r = Exec(*db_, "INSERT INTO t VALUES (1)");
  ASSERT_FALSE(r);
  failpoint::Clear();
  EXPECT_EQ(ScalarInt(*db_, "SELECT COUNT(*) FROM t"), 0);
  EXPECT_EQ(commits_, 0);
}

TEST_F(CommitFailpointTest, ReadTransactionsDoNotHitCommitFailpoints) {
  ASSERT_TRUE(failpoint::Configure("db.before_commit=error,db.after_commit=error"));
  EXPECT_EQ(ScalarInt(*db_, "SELECT COUNT(*) FROM t"), 0);
}

}  // namespace
}  // namespace shop::db
