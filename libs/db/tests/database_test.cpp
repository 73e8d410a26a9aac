#include <gtest/gtest.h>

#include <stdexcept>

#include "test_db.hpp"

namespace shop::db {
namespace {

using testing::Exec;
using testing::ScalarInt;
using testing::TempDb;

std::unique_ptr<Database> Memory() {
  auto db = Open("sqlite::memory:");
  EXPECT_TRUE(db);
  return std::move(*db);
}

TEST(DatabaseTest, OpenRejectsUnknownScheme) {
  auto db = Open("mysql://localhost/shop");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kInvalid);
}

TEST(DatabaseTest, OpenOfUnreachablePathIsUnavailable) {
  auto db = Open("sqlite:///nonexistent-dir-xyz/sub/db.sqlite");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kUnavailable);
}

TEST(DatabaseTest, OpenRelativePathCreatesFile) {
  TempDb tmp;
  const auto cwd = std::filesystem::current_path();
  const auto dir = std::filesystem::path(tmp.url().substr(9)).parent_path();
  std::filesystem::current_path(dir);
  {
    auto db = Open("sqlite://relative.db");
    ASSERT_TRUE(db);
    EXPECT_TRUE((*db)->Ping());
  }
  EXPECT_TRUE(std::filesystem::exists(dir / "relative.db"));
  std::filesystem::current_path(cwd);
}

TEST(DatabaseTest, FileDatabaseUsesWalAndForeignKeys) {
  TempDb tmp;
  auto db = tmp.Open();
  auto mode = db->Read([](Tx& tx) -> Result<std::string> {
    auto row = tx.QueryOne("PRAGMA journal_mode");
    if (!row) return row.error();
    return (*row)->Text(0);
  });
  ASSERT_TRUE(mode);
  EXPECT_EQ(*mode, "wal");
  EXPECT_EQ(ScalarInt(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(ScalarInt(*db, "PRAGMA synchronous"), 1);  // NORMAL
}

TEST(DatabaseTest, DollarPlaceholdersBindInOrderAndLiteralsStayUntouched) {
  auto db = Memory();
  auto r = db->Read([](Tx& tx) -> Result<Row> {
    auto row = tx.QueryOne(R"(SELECT $2 || '-$1-' || $1, '$3', "$1x" FROM (SELECT 'c' AS "$1x") -- $9
                              /* $8 */)",
                           {"a", "b"});
    if (!row) return row.error();
    return **row;
  });
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(r->Text(0), "b-$1-a");
  EXPECT_EQ(r->Text(1), "$3");
  EXPECT_EQ(r->Text(2), "c");
}

TEST(DatabaseTest, WrongParameterCountIsAnError) {
  auto db = Memory();
  auto r = db->Read([](Tx& tx) { return tx.Query("SELECT $1, $2", {1}); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInternal);
}

TEST(DatabaseTest, RowAccessorsConvertAndHandleNull) {
  auto db = Memory();
  auto r = db->Read([](Tx& tx) -> Result<Row> {
    auto row = tx.QueryOne("SELECT 42, 2.5, 'txt', NULL, $1, $2", {std::optional<int>{}, true});
    if (!row) return row.error();
    return **row;
  });
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Int(0), 42);
  EXPECT_DOUBLE_EQ(r->Real(1), 2.5);
  EXPECT_EQ(r->Text(2), "txt");
  EXPECT_TRUE(r->IsNull(3));
  EXPECT_EQ(r->Int(3), 0);
  EXPECT_EQ(r->Text(3), "");
  EXPECT_FALSE(r->OptText(3));
  EXPECT_FALSE(r->OptInt(4));
  EXPECT_TRUE(r->Bool(5));
  EXPECT_EQ(r->OptText(2), "txt");
}

TEST(DatabaseTest, QueryOneOnNoRowsIsNullopt) {
  auto db = Memory();
  auto r = db->Read([](Tx& tx) { return tx.QueryOne("SELECT 1 WHERE 0"); });
  ASSERT_TRUE(r);
  EXPECT_FALSE(*r);
}

TEST(DatabaseTest, UniqueViolationIsConflictNamingTheConstraintNotTheSql) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE users(id INTEGER PRIMARY KEY, email TEXT UNIQUE)"));
  ASSERT_TRUE(Exec(*db, "INSERT INTO users(email) VALUES ($1)", {"a@x"}));
  auto r = Exec(*db, "INSERT INTO users(email) VALUES ($1)", {"a@x"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_NE(r.error().detail.find("users.email"), std::string::npos) << r.error().detail;
  EXPECT_EQ(r.error().detail.find("INSERT"), std::string::npos);
}

TEST(DatabaseTest, ForeignKeyViolationIsConflict) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE a(id INTEGER PRIMARY KEY); "
                             "CREATE TABLE b(id INTEGER PRIMARY KEY, a_id INTEGER NOT NULL REFERENCES a(id));"));
  auto r = Exec(*db, "INSERT INTO b(a_id) VALUES (7)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
}

TEST(DatabaseTest, SyntaxErrorIsInternal) {
  auto db = Memory();
  auto r = Exec(*db, "INSERT INTO nowhere VALUES (1)");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInternal);
}

TEST(DatabaseTest, WriteRollsBackWhenCallbackReturnsError) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  auto r = db->Write([](Tx& tx) -> Result<void> {
    if (auto e = tx.Exec("INSERT INTO t VALUES (1)"); !e) return e.error();
    return Error::Conflict("stop");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM t"), 0);
}

TEST(DatabaseTest, WriteRollsBackAndRethrowsWhenCallbackThrows) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  EXPECT_THROW(db->Write([](Tx& tx) -> Result<void> {
    (void)tx.Exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM t"), 0);
  // The connection is usable again afterwards.
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (2)"));
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(DatabaseTest, WriteReturnsTheCallbackValue) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  auto n = db->Write([](Tx& tx) { return tx.Exec("INSERT INTO t VALUES (1), (2), (3)"); });
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 3);
}

TEST(DatabaseTest, SeveralStatementsInOneExecAreRejected) {
  auto db = Memory();
  auto r = Exec(*db, "CREATE TABLE x(a); CREATE TABLE y(b)");
  ASSERT_FALSE(r);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name IN ('x','y')"), 0);
}

TEST(DatabaseTest, TxExecScriptRunsInsideTheTransaction) {
  auto db = Memory();
  auto r = db->Write([](Tx& tx) -> Result<void> {
    if (auto s = tx.ExecScript("CREATE TABLE x(a); INSERT INTO x VALUES (1);"); !s) return s;
    return Error::Internal("abort");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(ScalarInt(*db, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'x'"), 0);
}

TEST(DatabaseTest, OnCommitListenersRunAfterCommittedWritesOnly) {
  auto db = Memory();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  int commits = 0;
  db->OnCommit([&] { ++commits; });
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (1)"));
  (void)db->Write([](Tx&) -> Result<void> { return Error::Internal("no"); });
  (void)db->Read([](Tx& tx) { return tx.Query("SELECT * FROM t"); });
  EXPECT_EQ(commits, 1);
}

TEST(DatabaseTest, PingAnswersTrue) {
  auto db = Memory();
  EXPECT_TRUE(db->Ping());
  EXPECT_EQ(db->dialect(), Dialect::kSqlite);
}

}  // namespace
}  // namespace shop::db

namespace shop::db {
namespace {

TEST(DatabaseNestingTest, NestedTransactionOnMemoryDatabaseFailsInsteadOfDeadlocking) {
  auto db = std::move(*Open("sqlite::memory:"));
  auto r = db->Write([&](Tx&) -> Result<void> {
    auto inner = db->Read([](Tx& tx) { return tx.Query("SELECT 1"); });
    if (!inner) return inner.error();
    return Ok();
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInternal);
}

TEST(DatabaseNestingTest, ReadInsideWriteOnFileDatabaseSeesLastCommit) {
  testing::TempDb tmp;
  auto db = tmp.Open();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t(v INTEGER)"));
  auto inner = db->Write([&](Tx& tx) -> Result<std::int64_t> {
    (void)tx.Exec("INSERT INTO t VALUES (1)");
    auto nested_write = db->Write([](Tx& t2) { return t2.Exec("INSERT INTO t VALUES (2)"); });
    if (nested_write) return Error::Internal("nested write was allowed");
    return db->Read([](Tx& t2) -> Result<std::int64_t> {
      auto row = t2.QueryOne("SELECT COUNT(*) FROM t");
      if (!row) return row.error();
      return (*row)->Int(0);
    });
  });
  ASSERT_TRUE(inner) << inner.error().detail;
  EXPECT_EQ(*inner, 0);
  EXPECT_EQ(testing::ScalarInt(*db, "SELECT COUNT(*) FROM t"), 1);
}

TEST(DatabaseTest, InternalErrorDetailDoesNotQuoteTheSql) {
  auto db = std::move(*Open("sqlite::memory:"));
  auto r = db->Read([](Tx& tx) { return tx.Query("SELEC secret_column FROM t"); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInternal);
  EXPECT_EQ(r.error().detail.find("secret_column"), std::string::npos) << r.error().detail;
}

}  // namespace
}  // namespace shop::db
