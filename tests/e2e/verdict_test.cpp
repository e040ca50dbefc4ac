// Issue 15's honest verdict, through the binary: every way of checking nothing ends INCONCLUSIVE (exit 3) or
// with an error (exit 2), with the reason in the console, command.log and report.html; an intact clean backup
// still ends NO SIGN (exit 0) and an infected one SIGNS FOUND (exit 1).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.hpp"
#include "testing/demo_backup.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

const char* const kPegasusFile = "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2";

// An ordinary phone's backup: messages, network use and a preferences file, no trace of spyware.
void build_clean_backup(const fs::path& root) {
  testing::IosBackupBuilder builder(root);
  builder
      .add_sqlite("HomeDomain", "Library/SMS/sms.db",
                  std::string(testing::ios15_sms_schema()) +
                      "INSERT INTO handle (id, country, service) VALUES ('+41791234567', 'ch', 'iMessage');\n"
                      "INSERT INTO message (guid, text, handle_id, service, account, date, is_from_me) VALUES "
                      "('G1', 'See you at https://www.wikipedia.org tomorrow', 1, 'iMessage', 'E:a@b.c', "
                      "647700000000000000, 0);\n")
      .add_file("HomeDomain", "Library/Preferences/com.apple.Preferences.plist", "x");
  ASSERT_TRUE(builder.write());
}

// A backup whose message, network-use and browsing databases are all garbage of a plausible size.
void build_garbage_backup(const fs::path& root) {
  const std::string garbage(8192, '\x5a');
  testing::IosBackupBuilder builder(root);
  builder.add_file("HomeDomain", "Library/SMS/sms.db", garbage)
      .add_file("WirelessDomain", "Library/Databases/DataUsage.sqlite", garbage)
      .add_file("AppDomain-com.apple.mobilesafari", "Library/Safari/History.db", garbage)
      .add_file("HomeDomain", "Library/Safari/History.db", garbage)
      .add_file("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata", garbage)
      .add_file("HomeDomain", "Library/TCC/TCC.db", garbage);
  ASSERT_TRUE(builder.write());
}

struct Invocation {
  int code = -1;
  std::string console;
  std::string log;
  std::string report;
};

// `lumiere ARGS` with no indicator from the environment or a user data folder unless `env` sets them.
Invocation lumiere(const test::TempDir& temp, const std::string& args, const std::string& env = "LUMIERE_IOCS=") {
  Invocation run;
  run.code = test::run_command(
      "env XDG_DATA_HOME='" + (temp / "xdg").string() + "' " + env + " " + test::lumiere_binary().string() + " " + args,
      &run.console);
  const fs::path out = temp / "out";
  if (fs::exists(out / "command.log")) run.log = test::read_file(out / "command.log");
  if (fs::exists(out / "report.html")) run.report = test::read_file(out / "report.html");
  return run;
}

std::string pegasus() {
  return (test::shared_iocs_dir() / kPegasusFile).string();
}

void expect_inconclusive_because(const Invocation& run, const std::string& reason) {
  EXPECT_EQ(run.code, 3) << run.console;
  EXPECT_NE(run.console.find("Verdict: INCONCLUSIVE"), std::string::npos) << run.console;
  EXPECT_NE(run.console.find(reason), std::string::npos) << run.console;
  EXPECT_NE(run.log.find(reason), std::string::npos) << run.log;
  EXPECT_NE(run.report.find("verdict-inconclusive"), std::string::npos);
  EXPECT_NE(run.report.find(reason), std::string::npos);
  EXPECT_EQ(run.console.find("NO SIGN"), std::string::npos) << run.console;
}

TEST(Verdict, CleanBackupWithIndicatorsIsNoSign) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  const test::EvidenceGuard guard({temp / "backup"});
  const Invocation run = lumiere(temp, "ios check-backup -i '" + pegasus() + "' -o '" + (temp / "out").string() +
                                           "' '" + (temp / "backup").string() + "'");
  EXPECT_EQ(run.code, 0) << run.console;
  EXPECT_NE(run.console.find("Verdict: NO SIGN"), std::string::npos) << run.console;
  EXPECT_NE(run.console.find("Loaded 1"), std::string::npos) << "indicator count said on every run\n" << run.console;
  EXPECT_NE(run.console.find("from 1 file(s)"), std::string::npos) << run.console;
}

TEST(Verdict, InfectedBackupIsSignsFoundEvenWithoutAnyOtherCheck) {
  test::TempDir temp;
  ASSERT_TRUE(testing::build_demo_backup(temp / "backup"));
  const Invocation run = lumiere(temp, "ios check-backup -i '" + pegasus() + "' -o '" + (temp / "out").string() +
                                           "' '" + (temp / "backup").string() + "'");
  EXPECT_EQ(run.code, 1) << run.console;
  EXPECT_NE(run.console.find("Verdict: SIGNS OF KNOWN SPYWARE FOUND"), std::string::npos) << run.console;
}

TEST(Verdict, NoIndicatorLoadedIsInconclusive) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  const Invocation run =
      lumiere(temp, "ios check-backup -o '" + (temp / "out").string() + "' '" + (temp / "backup").string() + "'");
  expect_inconclusive_because(run, "no indicators of compromise were loaded");
}

TEST(Verdict, EmptyIndicatorFolderIsInconclusive) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  fs::create_directories(temp / "empty-iocs");
  const Invocation run = lumiere(temp, "ios check-backup -i '" + (temp / "empty-iocs").string() + "' -o '" +
                                           (temp / "out").string() + "' '" + (temp / "backup").string() + "'");
  expect_inconclusive_because(run, "no indicators of compromise were loaded");
}

TEST(Verdict, LumiereIocsNamingAMissingFileIsInconclusive) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  const Invocation run =
      lumiere(temp, "ios check-backup -o '" + (temp / "out").string() + "' '" + (temp / "backup").string() + "'",
              "LUMIERE_IOCS='" + (temp / "no-such.stix2").string() + "'");
  expect_inconclusive_because(run, "no indicators of compromise were loaded");
}

TEST(Verdict, BrokenIndicatorFileGivenWithIIsAnErrorUnlessKeepGoing) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  test::write_file(temp / "broken.stix2", "{\"type\": \"bundle\", \"objects\": [");
  const std::string args = "-i '" + (temp / "broken.stix2").string() + "' -o '" + (temp / "out").string() + "' '" +
                           (temp / "backup").string() + "'";
  const Invocation refused = lumiere(temp, "ios check-backup " + args);
  EXPECT_EQ(refused.code, 2) << refused.console;
  EXPECT_NE(refused.console.find("broken.stix2"), std::string::npos) << refused.console;
  EXPECT_NE(refused.console.find("--keep-going"), std::string::npos) << refused.console;
  EXPECT_EQ(refused.console.find("Verdict:"), std::string::npos) << refused.console;

  fs::remove_all(temp / "out");
  const Invocation kept = lumiere(temp, "ios check-backup --keep-going " + args);
  expect_inconclusive_because(kept, "no indicators of compromise were loaded");
}

TEST(Verdict, UnreadableKeyDatabasesAreInconclusive) {
  test::TempDir temp;
  build_garbage_backup(temp / "backup");
  const test::EvidenceGuard guard({temp / "backup"});
  const Invocation run = lumiere(temp, "ios check-backup -i '" + pegasus() + "' -o '" + (temp / "out").string() +
                                           "' '" + (temp / "backup").string() + "'");
  expect_inconclusive_because(run, "the sms artifact could not be read");
  EXPECT_NE(run.console.find("the datausage artifact could not be read"), std::string::npos) << run.console;
}

TEST(Verdict, ScanOfUnreadableBackupIsInconclusiveInTheTable) {
  test::TempDir temp;
  build_garbage_backup(temp / "garbage");
  build_clean_backup(temp / "clean");
  const Invocation run = lumiere(temp, "scan -i '" + pegasus() + "' -o '" + (temp / "out").string() + "' '" +
                                           (temp / "garbage").string() + "' '" + (temp / "clean").string() + "'");
  EXPECT_EQ(run.code, 3) << run.console;
  const auto table = run.console.find("Summary (2 inputs");
  ASSERT_NE(table, std::string::npos) << run.console;
  const auto inconclusive = run.console.find("INCONCLUSIVE", table);
  const auto clean = run.console.find("no sign of known spyware", table);
  ASSERT_NE(inconclusive, std::string::npos) << run.console;
  ASSERT_NE(clean, std::string::npos) << run.console;
  EXPECT_LT(inconclusive, clean) << "inconclusive ranks above clean\n" << run.console;
  const std::string summary = test::read_file(temp / "out" / "scan.json");
  EXPECT_NE(summary.find("\"INCONCLUSIVE\""), std::string::npos) << summary;
}

TEST(Verdict, CheckIocsOnAFolderWithoutResultsIsAnError) {
  test::TempDir temp;
  fs::create_directories(temp / "nothing");
  const Invocation run = lumiere(temp, "ios check-iocs -i '" + pegasus() + "' '" + (temp / "nothing").string() + "'");
  EXPECT_EQ(run.code, 2) << run.console;
  EXPECT_NE(run.console.find("no stored module results"), std::string::npos) << run.console;
  EXPECT_EQ(run.console.find("NO SIGN"), std::string::npos) << run.console;
}

TEST(Output, CheckBackupWithoutOWritesANewDatedFolderEachRun) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  fs::create_directories(temp / "work");
  const std::string command = "cd '" + (temp / "work").string() + "' && ios_run() { env XDG_DATA_HOME='" +
                              (temp / "xdg").string() + "' LUMIERE_IOCS= " + test::lumiere_binary().string() +
                              " ios check-backup -i '" + pegasus() + "' '" + (temp / "backup").string() +
                              "'; }; ios_run && ios_run";
  std::string console;
  EXPECT_EQ(test::run_command(command, &console), 0) << console;
  std::vector<fs::path> folders;
  for (const auto& entry : fs::directory_iterator(temp / "work")) folders.push_back(entry.path());
  ASSERT_EQ(folders.size(), 2U) << "two runs, two folders (also within one second)\n" << console;
  for (const auto& folder : folders) {
    EXPECT_EQ(folder.filename().string().rfind("lumiere-check-backup-", 0), 0U) << folder;
    EXPECT_TRUE(fs::exists(folder / "info.json")) << folder;
    EXPECT_TRUE(fs::exists(folder / "report.html")) << folder;
    EXPECT_NE(console.find("Results: " + folder.string()), std::string::npos) << console;
  }
}

TEST(Output, ScanIntoOneOfItsInputsCreatesNothingThere) {
  test::TempDir temp;
  build_clean_backup(temp / "x");
  build_clean_backup(temp / "y");
  const test::EvidenceGuard guard({temp / "x", temp / "y"});
  const Invocation run = lumiere(temp, "scan -i '" + pegasus() + "' -o '" + (temp / "x" / "res").string() + "' '" +
                                           (temp / "x").string() + "' '" + (temp / "y").string() + "'");
  EXPECT_EQ(run.code, 2) << run.console;
  EXPECT_NE(run.console.find("must not be inside the evidence"), std::string::npos) << run.console;
  EXPECT_FALSE(fs::exists(temp / "x" / "res"));
}

}  // namespace
}  // namespace lumiere
