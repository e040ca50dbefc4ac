// Evidence databases are opened without changing a byte: immutable without WAL; with a WAL sidecar the
// committed rows in it are seen, and nothing is written into or next to the evidence.
#include "core/sqlite.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "support/test_support.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

// Makes <dir>/sms.db + sms.db-wal as copied from a live phone: rows committed but not yet checkpointed.
void make_wal_database(const fs::path& scratch, const fs::path& evidence_dir) {
  const fs::path live = scratch / "live.db";
  auto writer = sqlite::Database::create(live);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(
      writer->exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                   "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT);"
                   "INSERT INTO message (text) VALUES ('checkpointed row');"
                   "PRAGMA wal_checkpoint(TRUNCATE);"
                   "INSERT INTO message (text) VALUES ('only in the WAL: https://weather4free.com/x');"));
  fs::create_directories(evidence_dir);
  fs::copy_file(live, evidence_dir / "sms.db");
  fs::copy_file(scratch / "live.db-wal", evidence_dir / "sms.db-wal");
  ASSERT_GT(fs::file_size(evidence_dir / "sms.db-wal"), 0U);
}

std::vector<std::string> texts(const sqlite::Database& db) {
  auto stmt = db.prepare("SELECT text FROM message ORDER BY ROWID");
  EXPECT_TRUE(stmt);
  std::vector<std::string> out;
  while (true) {
    auto row = stmt->step();
    EXPECT_TRUE(row);
    if (!row || !*row) break;
    out.push_back(stmt->text("text"));
  }
  return out;
}

TEST(Sqlite, WalRowsAreSeenAndEvidenceIsUntouched) {
  test::TempDir scratch;
  test::TempDir evidence;
  make_wal_database(scratch.path(), evidence.path());
  const auto before = test::hash_tree(evidence.path());

  auto db = sqlite::Database::open_evidence(evidence / "sms.db", "HomeDomain/Library/SMS/sms.db");
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(texts(*db), (std::vector<std::string>{"checkpointed row", "only in the WAL: https://weather4free.com/x"}));
  EXPECT_FALSE(db->exec("INSERT INTO message (text) VALUES ('x')")) << "evidence databases are read-only";

  EXPECT_EQ(test::hash_tree(evidence.path()), before) << "no byte changed, no -shm created";
}

TEST(Sqlite, ImmutableOpenWithoutWal) {
  test::TempDir evidence;
  {
    auto db = sqlite::Database::create(evidence / "a.db");
    ASSERT_TRUE(db);
    ASSERT_TRUE(
        db->exec("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT); "
                 "INSERT INTO message (text) VALUES ('hello');"));
  }
  const auto before = test::hash_tree(evidence.path());
  auto db = sqlite::Database::open_evidence(evidence / "a.db", "a.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(texts(*db), std::vector<std::string>{"hello"});
  auto has = db->has_table("message");
  ASSERT_TRUE(has);
  EXPECT_TRUE(*has);
  auto cols = db->columns("message");
  ASSERT_TRUE(cols);
  EXPECT_EQ(*cols, (std::vector<std::string>{"ROWID", "text"}));
  auto none = db->columns("missing_table");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(test::hash_tree(evidence.path()), before);
}

TEST(Sqlite, MissingCorruptAndDirectory) {
  test::TempDir evidence;
  auto missing = sqlite::Database::open_evidence(evidence / "nope.db", "nope.db");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().path, "nope.db");

  test::write_file(evidence / "garbage.db", "this is not a database at all, just text that is long enough.....");
  auto garbage = sqlite::Database::open_evidence(evidence / "garbage.db", "garbage.db");
  ASSERT_TRUE(garbage) << "SQLite opens lazily";
  auto probe = garbage->probe();
  ASSERT_FALSE(probe);
  EXPECT_EQ(probe.error().code, ErrorCode::kCorrupt);
  EXPECT_EQ(probe.error().path, "garbage.db");

  fs::create_directories(evidence / "dir.db");
  auto dir = sqlite::Database::open_evidence(evidence / "dir.db", "dir.db");
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, ErrorCode::kCorrupt);
}

TEST(Sqlite, OpenImageFromMemory) {
  auto scratch = sqlite::Database::create(":memory:");
  ASSERT_TRUE(scratch);
  ASSERT_TRUE(
      scratch->exec("CREATE TABLE message (ROWID INTEGER PRIMARY KEY, text TEXT);"
                    "INSERT INTO message (text) VALUES ('from memory');"));
  auto image = scratch->serialize();
  ASSERT_TRUE(image);
  auto db = sqlite::Database::open_image(std::move(*image), "Manifest.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(texts(*db), std::vector<std::string>{"from memory"});
  auto bad = sqlite::Database::open_image(std::vector<std::uint8_t>(100, 0x41), "bad.db");
  if (bad) {
    EXPECT_FALSE(bad->probe());
  }
}

// Issue #16: what a hostile database could make SQLite do beyond reading it is off on every connection.
TEST(Sqlite, EvidenceConnectionsAreLockedDown) {
  test::TempDir temp;
  auto scratch = sqlite::Database::create(temp / "evidence.db");
  ASSERT_TRUE(scratch);
  ASSERT_TRUE(scratch->exec("CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('a');"));
  auto image = scratch->serialize();
  ASSERT_TRUE(image);
  auto from_memory = sqlite::Database::open_image(std::move(*image), "image.db");
  ASSERT_TRUE(from_memory);
  auto on_disk = sqlite::Database::open_evidence(temp / "evidence.db", "evidence.db");
  ASSERT_TRUE(on_disk);
  for (const sqlite::Database* db : {&*from_memory, &*on_disk}) {
    auto temp_store = db->prepare("PRAGMA temp_store");
    ASSERT_TRUE(temp_store);
    ASSERT_TRUE(temp_store->step().value_or(false));
    EXPECT_EQ(temp_store->integer(0), 2) << "temp_store=MEMORY";
    EXPECT_FALSE(db->exec("ATTACH '" + (temp / "other.db").string() + "' AS other"));
    EXPECT_FALSE(fs::exists(temp / "other.db"));
    EXPECT_FALSE(db->exec("SELECT load_extension('/nonexistent/libx.so')"));
    EXPECT_EQ(sqlite3_limit(db->get(), SQLITE_LIMIT_COLUMN, -1), sqlite::kMaxColumns);
    auto row = db->prepare("SELECT x FROM t");
    ASSERT_TRUE(row);
    EXPECT_TRUE(row->step().value_or(false)) << "reading still works";
  }
}

// Found by fuzz/fuzz_manifest: a column declared as `flaGs` comes back named "flaGs" for `SELECT flags`;
// access by name follows SQLite's case-insensitive identifiers instead of throwing.
TEST(Sqlite, ColumnAccessByNameIgnoresCase) {
  auto db = sqlite::Database::create(":memory:");
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("CREATE TABLE Files (fileID TEXT, flaGs INTEGER); INSERT INTO Files VALUES ('a', 4);"));
  auto stmt = db->prepare("SELECT fileID, flags FROM Files");
  ASSERT_TRUE(stmt);
  auto row = stmt->step();
  ASSERT_TRUE(row);
  ASSERT_TRUE(*row);
  EXPECT_EQ(stmt->index("flags"), 1);
  EXPECT_EQ(stmt->integer("flags"), 4);
  EXPECT_EQ(stmt->text("FILEID"), "a");
  EXPECT_THROW((void)stmt->index("missing"), std::out_of_range);
}

}  // namespace
}  // namespace lumiere
