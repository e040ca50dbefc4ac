// Damaged evidence databases: what SQLite can still read is salvaged into memory, the damage is named.
#include "core/sqlite_recover.hpp"

#include <gtest/gtest.h>

#include "support/test_support.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

std::int64_t count_rows(const sqlite::Database& db, const std::string& table) {
  auto stmt = db.prepare("SELECT count(*) FROM " + table);
  EXPECT_TRUE(stmt);
  if (!stmt) return -1;
  auto row = stmt->step();
  EXPECT_TRUE(row && *row);
  return stmt->integer(0);
}

// Two tables: a small one on the first pages and a large one whose later pages get overwritten.
fs::path make_damaged_database(const fs::path& dir) {
  fs::path file = dir / "sms.db";
  {
    auto db = sqlite::Database::create(file);
    EXPECT_TRUE(db);
    EXPECT_TRUE(db->exec(
        "PRAGMA page_size=1024;"
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
        "INSERT INTO handle (id) VALUES ('+41790000001'), ('+41790000002');"
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT, date INTEGER, attachment BLOB);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)"
        "  INSERT INTO message (text, date, attachment) SELECT printf('message %d https://example.com/%d', i, i),"
        "  i * 1000000000, randomblob(8) FROM n;"));
  }
  // Overwrite pages near the end of the file with garbage: the message b-tree loses leaves.
  std::string data = test::read_file(file);
  const std::size_t size = data.size();
  for (std::size_t i = size - std::size_t{20} * 1024; i < size - std::size_t{10} * 1024; ++i)
    data[i] = static_cast<char>(0xA5);
  test::write_file(file, data);
  return file;
}

TEST(SqliteRecover, SalvagesReadableRowsAndNamesTheDamage) {
  test::TempDir temp;
  const fs::path file = make_damaged_database(temp.path());
  const std::string before = test::read_file(file);
  auto db = sqlite::Database::open_evidence(file, "HomeDomain/Library/SMS/sms.db");
  ASSERT_TRUE(db);
  auto recovered = sqlite::recover_readable(*db);
  ASSERT_TRUE(recovered) << recovered.error().describe();
  EXPECT_EQ(recovered->tables, 2U);
  EXPECT_EQ(count_rows(recovered->database, "handle"), 2);
  const auto messages = count_rows(recovered->database, "message");
  EXPECT_GT(messages, 0);
  EXPECT_LT(messages, 2000);
  ASSERT_EQ(recovered->damaged.size(), 1U);
  EXPECT_NE(recovered->damaged[0].find("message: "), std::string::npos) << recovered->damaged[0];
  EXPECT_NE(recovered->summary().find("malformed"), std::string::npos) << recovered->summary();
  EXPECT_EQ(recovered->database.display_path(), "HomeDomain/Library/SMS/sms.db");
  EXPECT_EQ(test::read_file(file), before);  // evidence untouched
}

TEST(SqliteRecover, IntactDatabaseIsCopiedWhole) {
  test::TempDir temp;
  const fs::path file = temp / "ok.db";
  {
    auto db = sqlite::Database::create(file);
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("CREATE TABLE t (a INTEGER, b REAL, c TEXT, d BLOB, e);"
                 "INSERT INTO t VALUES (1, 2.5, 'x', x'00ff', NULL);"));
  }
  auto db = sqlite::Database::open_evidence(file, "ok.db");
  ASSERT_TRUE(db);
  auto recovered = sqlite::recover_readable(*db);
  ASSERT_TRUE(recovered);
  EXPECT_TRUE(recovered->damaged.empty());
  auto stmt = recovered->database.prepare("SELECT a, b, c, d, e FROM t");
  ASSERT_TRUE(stmt);
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->integer(0), 1);
  EXPECT_DOUBLE_EQ(stmt->real(1), 2.5);
  EXPECT_EQ(stmt->text(2), "x");
  EXPECT_EQ(stmt->blob(3), (std::vector<std::uint8_t>{0x00, 0xff}));
  EXPECT_TRUE(stmt->is_null(4));
}

TEST(SqliteRecover, UnreadableSchemaIsAnError) {
  test::TempDir temp;
  const fs::path file = temp / "garbage.db";
  std::string data(4096, '\x5a');
  data.replace(0, 16, std::string("SQLite format 3\0", 16));
  test::write_file(file, data);
  auto db = sqlite::Database::open_evidence(file, "garbage.db");
  ASSERT_TRUE(db);
  auto recovered = sqlite::recover_readable(*db);
  ASSERT_FALSE(recovered);
  EXPECT_EQ(recovered.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(recovered.error().path, "garbage.db");
}

}  // namespace
}  // namespace lumiere
