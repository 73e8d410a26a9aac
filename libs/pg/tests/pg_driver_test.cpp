// The PostgreSQL driver against a real server: types, placeholders, errors, transactions.
#include <stdexcept>

#include "pg_test_env.hpp"
#include "pg_url.hpp"
#include "shop/failpoint/failpoint.hpp"

namespace shop::db::pgtest {
namespace {

TEST(PgUrl, DriverParametersAreStrippedBeforeLibpq) {
  auto u = pgdetail::ParsePgUrl("postgresql://u@h:5432/db?sslmode=disable&pool_size=8&acquire_timeout_ms=250");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->libpq_url, "postgresql://u@h:5432/db?sslmode=disable");
  EXPECT_EQ(u->pool_size, 8);
  EXPECT_EQ(u->acquire_timeout_ms, 250);
  auto plain = pgdetail::ParsePgUrl("postgres://h/db");
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->libpq_url, "postgres://h/db");
  EXPECT_FALSE(plain->pool_size);
}

TEST(PgUrl, BadSchemeOrPoolSizeIsInvalid) {
  EXPECT_EQ(OpenPostgres("sqlite:///tmp/x.db").error().code, Errc::kInvalid);
  EXPECT_EQ(OpenPostgres("postgresql://h/db?pool_size=0").error().code, Errc::kInvalid);
  EXPECT_EQ(OpenPostgres("postgresql://h/db?pool_size=abc").error().code, Errc::kInvalid);
  EXPECT_TRUE(IsPostgresUrl("postgres://x"));
  EXPECT_FALSE(IsPostgresUrl("sqlite::memory:"));
}

TEST(PgOpen, UnreachableServerIsUnavailable) {
  auto db = OpenPostgres("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(db);
  EXPECT_EQ(db.error().code, Errc::kUnavailable);
}

TEST(PgOpen, OpenAnyPicksTheDriverFromTheScheme) {
  auto sqlite = OpenAny("sqlite::memory:");
  ASSERT_TRUE(sqlite);
  EXPECT_EQ((*sqlite)->dialect(), Dialect::kSqlite);
  auto pg = OpenAny("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2");
  ASSERT_FALSE(pg);
  EXPECT_EQ(pg.error().code, Errc::kUnavailable);  // the PostgreSQL driver tried to connect
  EXPECT_EQ(OpenAny("mysql://x").error().code, Errc::kInvalid);
}

using PgDriver = PgTest;

TEST_F(PgDriver, OpenAnyOpensPostgres) {
  auto db = OpenAny(url_);
  ASSERT_TRUE(db) << db.error().detail;
  EXPECT_EQ((*db)->dialect(), Dialect::kPostgres);
  EXPECT_TRUE((*db)->Ping());
}

TEST_F(PgDriver, EveryParameterTypeRoundTrips) {
  auto db = Open();
  ASSERT_TRUE(db);
  EXPECT_EQ(db->dialect(), Dialect::kPostgres);
  EXPECT_TRUE(db->Ping());
  ASSERT_TRUE(db->ExecScript(
      "CREATE TABLE v (id BIGINT PRIMARY KEY, i BIGINT, i4 INTEGER, i2 SMALLINT, d DOUBLE PRECISION, r REAL,"
      " s TEXT, b BOOLEAN, n NUMERIC(12,2));"));
  const std::string text = "it's \"quoted\" \\ ünïcødé, 日本; --not a comment";
  ASSERT_TRUE(Exec(*db, "INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   {1, INT64_MAX, -2147483647, 32767, 0.1, 2.5, text, true, "12.34"}));
  ASSERT_TRUE(Exec(*db, "INSERT INTO v VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   {2, INT64_MIN, nullptr, std::optional<int>{}, -1e300, nullptr, "", false, nullptr}));
  auto rows = db->Read([](Tx& tx) { return tx.Query("SELECT i, i4, i2, d, r, s, b, n FROM v ORDER BY id"); });
  ASSERT_TRUE(rows) << rows.error().detail;
  ASSERT_EQ(rows->size(), 2u);
  const Row& a = (*rows)[0];
  EXPECT_EQ(std::get<std::int64_t>(a.at(0)), INT64_MAX);
  EXPECT_EQ(std::get<std::int64_t>(a.at(1)), -2147483647);
  EXPECT_EQ(std::get<std::int64_t>(a.at(2)), 32767);
  EXPECT_EQ(std::get<double>(a.at(3)), 0.1);
  EXPECT_EQ(std::get<double>(a.at(4)), 2.5);
  EXPECT_EQ(std::get<std::string>(a.at(5)), text);
  EXPECT_EQ(std::get<std::int64_t>(a.at(6)), 1);
  EXPECT_TRUE(a.Bool(6));
  EXPECT_EQ(std::get<std::string>(a.at(7)), "12.34");
  const Row& b = (*rows)[1];
  EXPECT_EQ(b.Int(0), INT64_MIN);
  EXPECT_TRUE(b.IsNull(1));
  EXPECT_TRUE(b.IsNull(2));
  EXPECT_EQ(b.Real(3), -1e300);
  EXPECT_TRUE(b.IsNull(4));
  EXPECT_FALSE(b.IsNull(5));
  EXPECT_EQ(b.Text(5), "");
  EXPECT_FALSE(b.Bool(6));
  EXPECT_FALSE(b.OptText(7));
}

TEST_F(PgDriver, DollarPlaceholdersBindByNumberAndRepeat) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto row = db->Read([](Tx& tx) { return tx.QueryOne("SELECT $2::bigint - $1::bigint, $1::bigint + $1::bigint, $3::text", {10, 52, "x"}); });
  ASSERT_TRUE(row) << row.error().detail;
  ASSERT_TRUE(*row);
  EXPECT_EQ((*row)->Int(0), 42);
  EXPECT_EQ((*row)->Int(1), 20);
  EXPECT_EQ((*row)->Text(2), "x");
  auto wrong = db->Read([](Tx& tx) { return tx.Query("SELECT $1::bigint", {1, 2}); });
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::kInternal);
}

TEST_F(PgDriver, ExecReturnsChangedRowsAndStatementsAreReused) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT NOT NULL DEFAULT 0)"));
  for (int i = 1; i <= 5; ++i) ASSERT_TRUE(Exec(*db, "INSERT INTO t (id) VALUES ($1)", {i}));
  auto changed = Exec(*db, "UPDATE t SET n = n + 1 WHERE id > $1", {2});
  ASSERT_TRUE(changed);
  EXPECT_EQ(*changed, 3);
  // One connection: the INSERT was prepared once, so the server lists exactly one such statement.
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE 'INSERT INTO t%'"), 1);
}

TEST_F(PgDriver, UniqueAndForeignKeyViolationsAreConflicts) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE p (id BIGINT PRIMARY KEY, email TEXT UNIQUE);"
                             "CREATE TABLE c (id BIGINT PRIMARY KEY, p BIGINT REFERENCES p(id));"));
  ASSERT_TRUE(Exec(*db, "INSERT INTO p VALUES ($1, $2)", {1, "secret@example.com"}));
  auto dup = Exec(*db, "INSERT INTO p VALUES ($1, $2)", {2, "secret@example.com"});
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::kConflict);
  EXPECT_EQ(dup.error().detail.find("secret@example.com"), std::string::npos) << dup.error().detail;
  EXPECT_EQ(dup.error().detail.find("INSERT"), std::string::npos) << dup.error().detail;
  auto orphan = Exec(*db, "INSERT INTO c VALUES ($1, $2)", {1, 99});
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, Errc::kConflict);
}

TEST_F(PgDriver, ErrorResultRollsBackTheWholeTransaction) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto r = db->Write([](Tx& tx) -> Result<void> {
    if (auto e = tx.Exec("INSERT INTO t VALUES (1)"); !e) return e.error();
    return Error::Conflict("domain says no");
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kConflict);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 0);
}

TEST_F(PgDriver, ExceptionRollsBackAndTheConnectionStaysUsable) {
  auto db = Open({.pool_size = 1});
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  EXPECT_THROW((void)db->Write([](Tx& tx) -> Result<void> {
    (void)tx.Exec("INSERT INTO t VALUES (1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 0);
  ASSERT_TRUE(Exec(*db, "INSERT INTO t VALUES (2)"));
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 1);
}

TEST_F(PgDriver, SwallowedStatementErrorFailsTheCommit) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto r = db->Write([](Tx& tx) -> Result<void> {
    (void)tx.Exec("INSERT INTO t VALUES (1)");
    (void)tx.Exec("INSERT INTO t VALUES (1)");  // fails; the caller ignores it
    return Ok();
  });
  ASSERT_FALSE(r);
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 0);
}

TEST_F(PgDriver, CommitIsVisibleToOtherConnectionsAndListenersRun) {
  auto writer = Open();
  auto reader = Open();
  ASSERT_TRUE(writer && reader);
  int commits = 0;
  writer->OnCommit([&] { ++commits; });
  ASSERT_TRUE(writer->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  ASSERT_TRUE(Exec(*writer, "INSERT INTO t VALUES (7)"));
  EXPECT_EQ(ScalarInt(*reader, "SELECT id FROM t"), 7);
  EXPECT_EQ(commits, 1);
  ASSERT_TRUE(writer->Read([](Tx& tx) { return tx.Query("SELECT 1"); }));
  EXPECT_EQ(commits, 1);  // reads do not notify
}

TEST_F(PgDriver, BeforeCommitFailpointRollsBackAfterCommitKeepsTheData) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  ASSERT_TRUE(failpoint::Configure("db.before_commit=1*error"));
  auto before = Exec(*db, "INSERT INTO t VALUES (1)");
  EXPECT_FALSE(before);
  ASSERT_TRUE(failpoint::Configure("db.after_commit=1*error"));
  auto after = Exec(*db, "INSERT INTO t VALUES (2)");
  EXPECT_FALSE(after);
  failpoint::Clear();
  EXPECT_EQ(ScalarInt(*db, "SELECT coalesce(sum(id), 0) FROM t"), 2);
}

TEST_F(PgDriver, TxExecScriptRunsSeveralStatementsInTheTransaction) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto r = db->Write([](Tx& tx) -> Result<void> {
    if (auto e = tx.ExecScript("CREATE TABLE a (id INT); INSERT INTO a VALUES (1); INSERT INTO a VALUES (2);"); !e) {
      return e.error();
    }
    return Error::Conflict("undo it");
  });
  ASSERT_FALSE(r);
  auto exists = db->Read([](Tx& tx) { return tx.QueryOne("SELECT to_regclass('a')::text"); });
  ASSERT_TRUE(exists);
  EXPECT_TRUE((*exists)->IsNull(0));  // DDL is transactional: rolled back
}

TEST_F(PgDriver, NestedWriteIsRefusedAndNestedReadSeesCommittedDataOnly) {
  auto db = Open();
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (id BIGINT PRIMARY KEY)"));
  auto r = db->Write([&](Tx& tx) -> Result<void> {
    if (auto e = tx.Exec("INSERT INTO t VALUES (1)"); !e) return e.error();
    auto nested = db->Write([](Tx& inner) { return inner.Exec("UPDATE t SET id = 2 WHERE id = 1"); });
    EXPECT_FALSE(nested);
    auto seen = db->Read([](Tx& inner) { return inner.QueryOne("SELECT count(*) FROM t"); });
    EXPECT_TRUE(seen && *seen);
    if (seen && *seen) {
      EXPECT_EQ((*seen)->Int(0), 0);
    }
    return Ok();
  });
  ASSERT_TRUE(r) << r.error().detail;
  EXPECT_EQ(ScalarInt(*db, "SELECT count(*) FROM t"), 1);
}

TEST_F(PgDriver, SyntaxErrorIsInternalWithoutSqlText) {
  auto db = Open();
  ASSERT_TRUE(db);
  auto r = db->Read([](Tx& tx) { return tx.Query("SELEKT secret_column FROM nowhere WHERE x = $1", {"p4ss"}); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kInternal);
  EXPECT_EQ(r.error().detail.find("SELEKT"), std::string::npos);
  EXPECT_EQ(r.error().detail.find("p4ss"), std::string::npos);
  EXPECT_NE(r.error().detail.find("42601"), std::string::npos) << r.error().detail;
}

}  // namespace
}  // namespace shop::db::pgtest
