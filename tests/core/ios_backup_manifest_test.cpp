// A backup's Manifest.db as an attacker may shape it, found by fuzz/fuzz_manifest: the queries every module
// makes must read it or fail cleanly, never throw.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "core/plist.hpp"
#include "sources/ios_backup.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

// Files declares its columns in another case ("flaGs"): SQLite then names the result column as declared,
// which the query's by-name access did not find (std::out_of_range escaped IosBackup::query).
TEST(IosBackupManifest, ColumnDeclaredInAnotherCase) {
  test::TempDir dir;
  auto info = plist::serialize(plist::Value(testing::default_info_plist()), plist::Format::kXml);
  ASSERT_TRUE(info);
  test::write_file(dir / "Info.plist", std::string(info->begin(), info->end()));
  auto image = testing::sqlite_from_script(
      "CREATE TABLE Files (fileID TEXT PRIMARY KEY, DOMAIN TEXT, RelativePath TEXT, flaGs INTEGER, FILE BLOB);"
      "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"
      "INSERT INTO Files VALUES ('3d0d7e5fb2ce288813306e4d4636395e047a3d28', 'HomeDomain', 'Library/SMS/sms.db', 1,"
      " NULL);");
  ASSERT_TRUE(image);
  test::write_file(dir / "Manifest.db", *image);

  auto backup = sources::IosBackup::open(dir.path());
  ASSERT_TRUE(backup) << backup.error().message;
  auto files = backup->query(std::nullopt, "*");
  ASSERT_TRUE(files) << files.error().message;
  ASSERT_EQ(files->size(), 1U);
  EXPECT_EQ((*files)[0].domain, "HomeDomain");
  EXPECT_EQ((*files)[0].relative_path, "Library/SMS/sms.db");
  EXPECT_EQ((*files)[0].flags, 1);
}

}  // namespace
}  // namespace lumiere
