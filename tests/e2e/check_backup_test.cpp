// End to end through the `lumiere` binary: `ios check-backup -i IOCS -o OUT BACKUP` on a fixture backup
// writes MVT's file set, byte-compared (dates, versions and temporary paths masked) with reviewed files in
// tests/golden/ios_check_backup/; the evidence (including a Manifest.db whose newest rows exist only in its
// WAL) is not changed by a single byte and nothing is created next to it.
#include <gtest/gtest.h>

#include <cstdlib>
#include <regex>

#include "core/json.hpp"
#include "core/sqlite.hpp"
#include "e2e/e2e_shared.hpp"
#include "sources/ios_backup.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

using e2e::kPegasus;

// A backup of an infected phone whose Manifest.db was copied while iOS had rows only in its WAL.
void build_wal_backup(const fs::path& root, const fs::path& scratch) {
  testing::FileMeta old_meta;
  old_meta.birth = old_meta.last_modified = old_meta.last_status_change = 1625000000;
  testing::IosBackupBuilder builder(root);
  builder.add_directory("HomeDomain", "Library/Preferences", old_meta)
      .add_file("HomeDomain", "Library/Preferences/com.apple.Preferences.plist", "x", old_meta)
      .add_file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.HEIC", "jpeg", old_meta);
  ASSERT_TRUE(builder.write());

  // Move Manifest.db to WAL mode and add the Pegasus traces as WAL-only rows, like a live copy.
  const fs::path live = scratch / "Manifest.db";
  fs::copy_file(root / "Manifest.db", live);
  auto db = sqlite::Database::create(live);
  ASSERT_TRUE(db);
  ASSERT_TRUE(db->exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"));
  testing::FileMeta planted;
  planted.birth = 1626100000;
  planted.last_modified = planted.last_status_change = 1626100450;
  auto insert = db->prepare("INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?1, ?2, ?3, 1, ?4)");
  ASSERT_TRUE(insert);
  const std::vector<std::pair<std::string, std::string>> rows{
      {"HomeDomain", "Library/Preferences/roleaccountd.plist"},
      {"AppDomain-com.apple.mobilesafari",
       "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage"}};
  for (const auto& [domain, path] : rows) {
    insert->bind(1, sources::IosBackup::file_id(domain, path))
        .bind(2, domain)
        .bind(3, path)
        .bind_blob(4, testing::mbfile_blob(path, 1, planted));
    ASSERT_TRUE(insert->step());
    ASSERT_TRUE(insert->reset());
  }
  fs::remove(root / "Manifest.db");
  fs::copy_file(live, root / "Manifest.db");
  fs::copy_file(scratch / "Manifest.db-wal", root / "Manifest.db-wal");
  ASSERT_GT(fs::file_size(root / "Manifest.db-wal"), 0U);
}

// Masks what differs between runs: dates, versions, temporary paths, log timestamps.
std::string normalise(const std::string& name, std::string text, const fs::path& temp) {
  const std::string temp_path = temp.string();
  for (std::size_t pos = 0; (pos = text.find(temp_path, pos)) != std::string::npos;) {
    text.replace(pos, temp_path.size(), "<TMP>");
  }
  const std::string binary = test::lumiere_binary().string();
  for (std::size_t pos = 0; (pos = text.find(binary, pos)) != std::string::npos;)
    text.replace(pos, binary.size(), "lumiere");
  for (const std::string& shared :
       {test::shared_iocs_dir().string(), fs::weakly_canonical(test::shared_iocs_dir()).string()}) {
    for (std::size_t pos = 0; (pos = text.find(shared, pos)) != std::string::npos;) {
      text.replace(pos, shared.size(), "<IOCS>");
    }
  }
  if (name == "info.json") {
    text = std::regex_replace(text, std::regex(R"("date": "[^"]*")"), R"("date": "<DATE>")");
    text = std::regex_replace(text, std::regex(R"("lumiere_version": "[^"]*")"), R"("lumiere_version": "<VERSION>")");
    // A WAL header carries random salts, so the sidecar's hash differs at every build of the fixture.
    text = std::regex_replace(text, std::regex(R"(("file_path": "Manifest.db-wal",\s*"sha256": ")[0-9a-f]{64})"),
                              "$1<RANDOM-SALTED>");
  }
  if (name == "command.log") {
    text = std::regex_replace(text, std::regex(R"(^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - )", std::regex::multiline),
                              "<TIME> - ");
  }
  return text;
}

TEST(CheckBackup, WritesMvtFilesAndLeavesEvidenceUntouched) {
  test::TempDir temp;
  const fs::path backup = temp / "backup";
  const fs::path out = temp / "out";
  build_wal_backup(backup, temp.path());
  const auto before = test::hash_tree(backup);

  const std::string iocs = (test::shared_iocs_dir() / kPegasus).string();
  std::string console;
  const test::EvidenceGuard guard({iocs});
  const int code = test::run_command(test::lumiere_binary().string() + " ios check-backup --hashes --timesketch -i '" +
                                         iocs + "' -o '" + out.string() + "' '" + backup.string() + "'",
                                     &console);
  EXPECT_EQ(code, 1) << "HIGH alerts found → exit 1\n" << console;
  EXPECT_NE(console.find("SIGNS OF KNOWN SPYWARE FOUND"), std::string::npos) << console;

  EXPECT_EQ(test::hash_tree(backup), before) << "evidence changed or files were created next to it";

  // The WAL-only rows were seen: both Pegasus traces are alerts.
  const Json alerts = Json::parse(test::read_file(out / "alerts.json"));
  ASSERT_EQ(alerts.size(), 2U) << alerts.dump(2);
  EXPECT_EQ(alerts[0]["matched_indicator"]["value"], "roleaccountd.plist");
  EXPECT_EQ(alerts[1]["matched_indicator"]["value"], "weather4free.com");

  // Every hash in info.json names a file relative to the backup; no examiner path but target_path.
  const Json info = Json::parse(test::read_file(out / "info.json"));
  const auto regular_files = static_cast<std::size_t>(
      std::count_if(before.begin(), before.end(), [](const auto& kv) { return kv.second != "dir"; }));
  EXPECT_EQ(info["hashes"].size(), regular_files) << "every regular file hashed";

  const fs::path golden = test::tests_dir() / "golden" / "ios_check_backup";
  const bool update = std::getenv("UPDATE_GOLDEN") != nullptr && std::string(std::getenv("UPDATE_GOLDEN")) == "1";
  std::vector<std::string> produced;
  for (const auto& entry : fs::directory_iterator(out)) produced.push_back(entry.path().filename().string());
  std::sort(produced.begin(), produced.end());
  EXPECT_EQ(produced, (std::vector<std::string>{"alerts.json", "alerts_timeline.csv", "backup_info.json", "command.log",
                                                "info.json", "manifest.json", "manifest_detected.json", "report.html",
                                                "timeline.csv", "timeline.jsonl"}));
  for (const auto& name : produced) {
    if (name == "report.html") continue;  // rendered and checked in a browser by report_test.cpp
    const std::string actual = normalise(name, test::read_file(out / name), temp.path());
    if (update) {
      test::write_file(golden / name, actual);
      continue;
    }
    ASSERT_TRUE(fs::exists(golden / name)) << "no golden file " << name << ": run with UPDATE_GOLDEN=1 and review";
    EXPECT_EQ(actual, test::read_file(golden / name)) << "golden mismatch: " << name;
  }
}

TEST(CheckIocs, RecheckStoredResultsWithNewIndicatorsWritesNothing) {
  test::TempDir temp;
  const fs::path backup = temp / "backup";
  const fs::path out = temp / "out";
  build_wal_backup(backup, temp.path());
  const test::EvidenceGuard guard({backup, test::shared_iocs_dir() / kPegasus});
  std::string console;
  // First run: no indicators at all (an old case), so no alert, and an inconclusive verdict (exit 3).
  ASSERT_EQ(test::run_command("env XDG_DATA_HOME='" + (temp / "xdg").string() +
                                  "' LUMIERE_IOCS= " + test::lumiere_binary().string() + " ios check-backup -o '" +
                                  out.string() + "' '" + backup.string() + "'",
                              &console),
            3)
      << console;
  ASSERT_FALSE(fs::exists(out / "alerts.json"));
  const auto before = test::hash_tree(out);

  const std::string iocs = (test::shared_iocs_dir() / kPegasus).string();
  const int code =
      test::run_command("env XDG_DATA_HOME='" + (temp / "xdg").string() + "' " + test::lumiere_binary().string() +
                            " ios check-iocs -i '" + iocs + "' '" + out.string() + "'",
                        &console);
  EXPECT_EQ(code, 1) << console;
  EXPECT_NE(console.find("The check of the results produced 2 detections!"), std::string::npos) << console;
  EXPECT_NE(console.find("roleaccountd.plist"), std::string::npos) << console;
  EXPECT_EQ(test::hash_tree(out), before) << "check-iocs writes nothing";

  EXPECT_EQ(test::run_command(test::lumiere_binary().string() + " ios check-iocs -i '" + iocs + "' '" +
                                  (temp / "nope").string() + "'",
                              &console),
            2);
}

TEST(CheckBackup, NotABackupIsAClearErrorAndExit2) {
  test::TempDir temp;
  test::write_file(temp / "empty" / "readme.txt", "not a backup");
  const test::EvidenceGuard guard({temp / "empty"});
  std::string console;
  const int code = test::run_command(
      test::lumiere_binary().string() + " ios check-backup '" + (temp / "empty").string() + "'", &console);
  EXPECT_EQ(code, 2);
  EXPECT_NE(console.find("not an iOS backup"), std::string::npos) << console;
}

TEST(CheckBackup, BackupInSingleSubfolderIsFound) {
  test::TempDir temp;
  testing::IosBackupBuilder builder(temp / "Backup" / "00008101-000A1B2C3D4E001E");
  builder.add_file("HomeDomain", "Library/Preferences/com.apple.Preferences.plist", "x");
  ASSERT_TRUE(builder.write());
  const test::EvidenceGuard guard({temp / "Backup"});
  std::string console;
  const int code = test::run_command(
      "env XDG_DATA_HOME='" + (temp / "xdg").string() + "' LUMIERE_IOCS= " + test::lumiere_binary().string() +
          " ios check-backup -o '" + (temp / "out").string() + "' '" + (temp / "Backup").string() + "'",
      &console);
  // Found and read; no indicator loaded anywhere, so the verdict cannot be "no sign" (issue 15: exit 3).
  EXPECT_EQ(code, 3) << console;
  EXPECT_NE(console.find("Verdict: INCONCLUSIVE"), std::string::npos) << console;
  EXPECT_NE(console.find("no indicators of compromise were loaded"), std::string::npos) << console;
  EXPECT_TRUE(fs::exists(temp / "out" / "manifest.json"));
  EXPECT_NE(test::read_file(temp / "out" / "command.log").find("Found iTunes backup in subfolder"), std::string::npos);
}

TEST(CheckBackup, OutputInsideEvidenceIsRefused) {
  test::TempDir temp;
  testing::IosBackupBuilder builder(temp / "backup");
  ASSERT_TRUE(builder.write());
  const test::EvidenceGuard guard({temp / "backup"});
  std::string console;
  const int code =
      test::run_command(test::lumiere_binary().string() + " ios check-backup -o '" +
                            (temp / "backup" / "results").string() + "' '" + (temp / "backup").string() + "'",
                        &console);
  EXPECT_EQ(code, 2) << console;
}

TEST(Cli, PendingCommandsSayNotSupportedYet) {
  std::string console;
  EXPECT_EQ(test::run_command(test::lumiere_binary().string() + " android check-bugreport x.zip", &console), 2);
  EXPECT_NE(console.find("not supported yet"), std::string::npos) << console;
  EXPECT_EQ(test::run_command(test::lumiere_binary().string() + " --version", &console), 0);
  EXPECT_NE(console.find("lumiere "), std::string::npos);
  EXPECT_EQ(test::run_command(test::lumiere_binary().string() + " ios check-backup --no-such-flag x", &console), 2);
}

TEST(Cli, ListModules) {
  std::string console;
  EXPECT_EQ(test::run_command(test::lumiere_binary().string() + " ios check-backup --list-modules", &console), 0);
  EXPECT_NE(console.find("backup_info"), std::string::npos) << console;
  EXPECT_NE(console.find("manifest"), std::string::npos) << console;
}

TEST(Demo, ReachesAVerdict) {
  test::TempDir temp;
  std::string console;
  const int code =
      test::run_command("cd '" + temp.path().string() + "' && " + test::lumiere_binary().string() + " demo", &console);
  EXPECT_EQ(code, 0) << console;
  EXPECT_NE(console.find("Verdict: SIGNS OF KNOWN SPYWARE FOUND"), std::string::npos) << console;
  // The demo's own example device is well formed: no warning, every artifact it holds is read.
  EXPECT_EQ(console.find("WARNING"), std::string::npos) << console;
  EXPECT_NE(console.find("0 could not analyse their artifact"), std::string::npos) << console;
  EXPECT_NE(console.find("Results: "), std::string::npos) << console;
}

}  // namespace
}  // namespace lumiere
