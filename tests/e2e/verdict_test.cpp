// Issue 15's honest verdict, through the binary: every way of checking nothing ends INCONCLUSIVE (exit 3) or
// with an error (exit 2), with the reason in the console, command.log and report.html; an intact clean backup
// still ends NO SIGN (exit 0) and an infected one SIGNS FOUND (exit 1).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
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

// A clean backup at temp/backup and an output folder temp/out that already holds an examiner's file and a
// stale result of an earlier run.
void build_backup_and_used_output(const test::TempDir& temp) {
  build_clean_backup(temp / "backup");
  test::write_file(temp / "out" / "notes.txt", "the examiner's own notes");
  test::write_file(temp / "out" / "sms_detected.json", "[\"stale alert of an earlier run\"]");
}

// -o on a folder that holds anything is refused before anything is written (MVT would silently replace files
// and leave stale *_detected.json beside the new ones).
TEST(Output, NonEmptyOutputFolderIsRefusedAndLeftUntouched) {
  test::TempDir temp;
  build_backup_and_used_output(temp);
  const Invocation run = lumiere(temp, "ios check-backup -i '" + pegasus() + "' -o '" + (temp / "out").string() +
                                           "' '" + (temp / "backup").string() + "'");
  EXPECT_EQ(run.code, 2) << run.console;
  EXPECT_NE(run.console.find("the output folder is not empty"), std::string::npos) << run.console;
  EXPECT_NE(run.console.find("--force"), std::string::npos) << run.console;
  EXPECT_EQ(run.console.find("Verdict:"), std::string::npos) << run.console;
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(temp / "out")) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"notes.txt", "sms_detected.json"}));
  EXPECT_EQ(test::read_file(temp / "out" / "sms_detected.json"), "[\"stale alert of an earlier run\"]");

  // scan refuses in the same way (no scan.json from stale alerts).
  const Invocation scan = lumiere(temp, "scan -m backup_info -i '" + pegasus() + "' -o '" + (temp / "out").string() +
                                            "' '" + (temp / "backup").string() + "'");
  EXPECT_EQ(scan.code, 2) << scan.console;
  EXPECT_FALSE(fs::exists(temp / "out" / "scan.json"));
}

// --force removes lumiere's earlier results (and only those), links as links, FIFOs without opening them.
TEST(Output, ForceRemovesOnlyLumieresFilesAndNeverFollowsPlantedLinksOrFifos) {
  test::TempDir temp;
  build_backup_and_used_output(temp);
  test::write_file(temp / "out" / "alerts.json", "[\"stale alert\"]");
  test::write_file(temp / "elsewhere.txt", "not to be overwritten");
  fs::create_symlink(temp / "elsewhere.txt", temp / "out" / "info.json");
  ASSERT_EQ(::mkfifo((temp / "out" / "timeline.csv").c_str(), 0644), 0);
  const Invocation run = lumiere(temp, "ios check-backup --force -i '" + pegasus() + "' -o '" +
                                           (temp / "out").string() + "' '" + (temp / "backup").string() + "'");
  EXPECT_EQ(run.code, 0) << run.console;
  EXPECT_EQ(test::read_file(temp / "out" / "notes.txt"), "the examiner's own notes");
  EXPECT_EQ(test::read_file(temp / "elsewhere.txt"), "not to be overwritten");
  EXPECT_FALSE(fs::exists(temp / "out" / "sms_detected.json")) << "stale result of the earlier run removed";
  EXPECT_FALSE(fs::exists(temp / "out" / "alerts.json")) << "a clean run writes no alerts.json";
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(temp / "out" / "info.json")));
  EXPECT_NE(test::read_file(temp / "out" / "info.json").find("lumiere_version"), std::string::npos);
  EXPECT_TRUE(fs::is_regular_file(fs::symlink_status(temp / "out" / "report.html")));
}

// Two runs into one folder at the same time: one gets it, the other exits 2 and writes nothing into it.
TEST(Output, ConcurrentRunsIntoOneFolderDoNotMix) {
  test::TempDir temp;
  build_clean_backup(temp / "backup");
  ASSERT_TRUE(testing::build_demo_backup(temp / "infected"));
  // The folder held (locked) by a run in progress: simulated by holding the lock here.
  fs::create_directories(temp / "held");
  const int fd = ::open((temp / "held").c_str(), O_RDONLY | O_DIRECTORY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
  std::string console;
  const int held = test::run_command("env XDG_DATA_HOME='" + (temp / "xdg").string() + "' LUMIERE_IOCS= " +
                                         test::lumiere_binary().string() + " ios check-backup -i '" + pegasus() +
                                         "' -o '" + (temp / "held").string() + "' '" + (temp / "backup").string() + "'",
                                     &console);
  ::close(fd);
  EXPECT_EQ(held, 2) << console;
  EXPECT_NE(console.find("another lumiere run is writing into this output folder"), std::string::npos) << console;
  EXPECT_TRUE(fs::is_empty(temp / "held"));

  // And for real: two processes started together; exactly one writes, and its files are its own.
  const std::string one = "env XDG_DATA_HOME='" + (temp / "xdg").string() +
                          "' LUMIERE_IOCS= " + test::lumiere_binary().string() + " ios check-backup -i '" + pegasus() +
                          "' -o '" + (temp / "both").string() + "' ";
  const std::string command = "(" + one + "'" + (temp / "backup").string() + "' >'" + (temp / "a.txt").string() +
                              "' 2>&1; echo $? >'" + (temp / "a.code").string() + "') & (" + one + "'" +
                              (temp / "infected").string() + "' >'" + (temp / "b.txt").string() + "' 2>&1; echo $? >'" +
                              (temp / "b.code").string() + "') & wait";
  ASSERT_EQ(test::run_command(command, &console), 0) << console;
  const std::string a = test::read_file(temp / "a.code");
  const std::string b = test::read_file(temp / "b.code");
  const bool clean_won = a == "0\n";
  EXPECT_TRUE((a == "0\n" && b == "2\n") || (a == "2\n" && b == "1\n")) << "a=" << a << " b=" << b;
  const std::string info = test::read_file(temp / "both" / "info.json");
  const std::string log = test::read_file(temp / "both" / "command.log");
  const std::string winner = clean_won ? (temp / "backup").string() : (temp / "infected").string();
  const std::string loser = clean_won ? (temp / "infected").string() : (temp / "backup").string();
  EXPECT_NE(info.find(winner), std::string::npos) << info;
  EXPECT_EQ(log.find(loser), std::string::npos) << "the refused run wrote nothing into the folder\n" << log;
  EXPECT_EQ(fs::exists(temp / "both" / "alerts.json"), !clean_won);
}

// A disk that fills up (here: a file size limit, RLIMIT_FSIZE) is an error naming the file and the reason,
// and the console does not point to a report that was not written.
TEST(Output, WriteFailureExitsTwoNamingTheFileAndTheReason) {
  test::TempDir temp;
  ASSERT_TRUE(testing::build_demo_backup(temp / "backup"));
  std::string console;
  const int code =
      test::run_command("bash -c \"trap '' XFSZ; ulimit -f 8; exec env XDG_DATA_HOME='" + (temp / "xdg").string() +
                            "' LUMIERE_IOCS= " + test::lumiere_binary().string() + " ios check-backup -i '" +
                            pegasus() + "' -o '" + (temp / "out").string() + "' '" + (temp / "backup").string() + "'\"",
                        &console);
  EXPECT_EQ(code, 2) << console;
  EXPECT_NE(console.find("File too large"), std::string::npos) << "the system's reason\n" << console;
  EXPECT_NE(console.find((temp / "out").string() + "/"), std::string::npos) << "the file is named\n" << console;
  EXPECT_NE(console.find("INCOMPLETE"), std::string::npos) << console;
  EXPECT_EQ(console.find("Report:"), std::string::npos) << "no pointer to an unwritten report\n" << console;
}

// SIGTERM in the middle of a run: command.log says so; no alerts.json, info.json or report.html that would
// look complete, and no half-written file.
TEST(Output, InterruptedRunSaysSoAndLeavesNothingThatLooksComplete) {
  test::TempDir temp;
  ASSERT_TRUE(testing::build_demo_backup(temp / "backup"));
  {
    // A large (sparse) file in the backup keeps --hashes busy for a while after the modules ran.
    std::ofstream big(temp / "backup" / "padding.bin", std::ios::binary);
    big.seekp((std::streamoff{1} << 30) - 1);
    big.put('\0');
  }
  const fs::path out = temp / "out";
  std::string console;
  const int code = test::run_command(
      "env XDG_DATA_HOME='" + (temp / "xdg").string() + "' LUMIERE_IOCS= " + test::lumiere_binary().string() +
          " ios check-backup --hashes -j 1 -i '" + pegasus() + "' -o '" + out.string() + "' '" +
          (temp / "backup").string() + "' & pid=$!; n=0; while [ ! -s '" + (out / "command.log").string() +
          "' ] && [ $n -lt 3000 ]; do sleep 0.01; n=$((n+1)); done; kill -TERM $pid; wait $pid; echo \"exit=$?\"",
      &console);
  EXPECT_EQ(code, 0) << console;
  EXPECT_NE(console.find("exit=143"), std::string::npos) << "128 + SIGTERM\n" << console;
  const std::string log = test::read_file(out / "command.log");
  EXPECT_NE(log.find("Interrupted by SIGTERM"), std::string::npos) << log;
  EXPECT_NE(log.find("INCOMPLETE"), std::string::npos) << log;
  for (const char* name : {"alerts.json", "info.json", "report.html", "timeline.csv"}) {
    EXPECT_FALSE(fs::exists(out / name)) << name;
  }
  for (const auto& entry : fs::directory_iterator(out)) {
    EXPECT_EQ(entry.path().filename().string().find(".partial-"), std::string::npos) << entry.path();
  }
}

// scan with one input that fails among several: said after the table, exit 2; exit 1 when another input
// shows signs (the failure is still listed).
TEST(Verdict, ScanWithOneFailedInputSaysSo) {
  test::TempDir temp;
  build_clean_backup(temp / "clean");
  ASSERT_TRUE(testing::build_demo_backup(temp / "infected"));
  fs::create_directories(temp / "notabackup");
  test::write_file(temp / "notabackup" / "readme.txt", "holiday photos");
  const Invocation failed = lumiere(temp, "scan -i '" + pegasus() + "' -o '" + (temp / "out").string() + "' '" +
                                              (temp / "clean").string() + "' '" + (temp / "notabackup").string() + "'");
  EXPECT_EQ(failed.code, 2) << failed.console;
  EXPECT_NE(failed.console.find("1 of 2 inputs could not be analysed"), std::string::npos) << failed.console;
  EXPECT_NE(failed.console.find((temp / "notabackup").string() + ": not analysed"), std::string::npos)
      << failed.console;
  const Invocation signs =
      lumiere(temp, "scan -i '" + pegasus() + "' -o '" + (temp / "out2").string() + "' '" +
                        (temp / "infected").string() + "' '" + (temp / "notabackup").string() + "'");
  EXPECT_EQ(signs.code, 1) << signs.console;
  EXPECT_NE(signs.console.find("1 of 2 inputs could not be analysed"), std::string::npos) << signs.console;
}

// The demo says it is a demo, warns about nothing, and can keep its example backup for other commands.
TEST(Demo, SaysItIsAnExampleAndKeepsItsBackupOnRequest) {
  test::TempDir temp;
  const Invocation run =
      lumiere(temp, "demo --keep '" + (temp / "kept").string() + "' -o '" + (temp / "out").string() + "'");
  EXPECT_EQ(run.code, 0) << run.console;
  EXPECT_NE(run.console.find("EXAMPLE iPhone backup"), std::string::npos) << run.console;
  EXPECT_EQ(run.console.find("WARNING"), std::string::npos) << "the demo's own backup is well-formed\n" << run.console;
  EXPECT_NE(run.console.find(", 0 could not analyse their artifact"), std::string::npos) << run.console;
  EXPECT_NE(run.report.find("<title>lumiere report: EXAMPLE DEVICE"), std::string::npos);
  EXPECT_NE(run.report.find("id=\"example-banner\""), std::string::npos);
  ASSERT_TRUE(fs::exists(temp / "kept" / "backup" / "Manifest.db"));
  ASSERT_TRUE(fs::exists(temp / "kept" / "demo-pegasus.stix2"));
  EXPECT_NE(run.console.find((temp / "kept").string() + "/backup"), std::string::npos) << run.console;
  const Invocation again =
      lumiere(temp, "ios check-backup -i '" + (temp / "kept" / "demo-pegasus.stix2").string() + "' -o '" +
                        (temp / "again").string() + "' '" + (temp / "kept" / "backup").string() + "'");
  EXPECT_EQ(again.code, 1) << again.console;
  const Invocation refused = lumiere(temp, "demo --keep '" + (temp / "kept").string() + "'");
  EXPECT_EQ(refused.code, 2) << "--keep needs a new or empty folder\n" << refused.console;
}

// lumiere alone lists the commands; a typo names the nearest command; MVT's download-iocs works.
TEST(Cli, CommandsAreDiscoverable) {
  test::TempDir temp;
  const Invocation bare = lumiere(temp, "");
  EXPECT_EQ(bare.code, 0) << bare.console;
  for (const char* command : {"ios", "android", "iocs", "scan", "demo"}) {
    EXPECT_NE(bare.console.find(std::string("  ") + command + " "), std::string::npos) << command << "\n"
                                                                                       << bare.console;
  }
  const Invocation typo = lumiere(temp, "ios chek-backup somewhere");
  EXPECT_EQ(typo.code, 2) << typo.console;
  EXPECT_NE(typo.console.find("Did you mean `lumiere ios check-backup`?"), std::string::npos) << typo.console;
  EXPECT_NE(typo.console.find("decrypt-backup"), std::string::npos) << "the commands are listed\n" << typo.console;
  const Invocation top = lumiere(temp, "scna x");
  EXPECT_EQ(top.code, 2) << top.console;
  EXPECT_NE(top.console.find("Did you mean `lumiere scan`?"), std::string::npos) << top.console;
  const Invocation mvt_habit = lumiere(temp, "check-backup x");
  EXPECT_NE(mvt_habit.console.find("`lumiere ios check-backup`"), std::string::npos) << mvt_habit.console;
  const Invocation incomplete = lumiere(temp, "ios");
  EXPECT_EQ(incomplete.code, 2) << incomplete.console;
  EXPECT_NE(incomplete.console.find("check-backup"), std::string::npos) << incomplete.console;
  // MVT's name for `iocs update`: the same command (here against a closed local port, so it fails the same way).
  const Invocation alias = lumiere(temp, "ios download-iocs --index http://127.0.0.1:9/indicators.yaml --timeout 2");
  const Invocation update = lumiere(temp, "iocs update --index http://127.0.0.1:9/indicators.yaml --timeout 2");
  EXPECT_EQ(alias.code, 2) << alias.console;
  EXPECT_EQ(alias.code, update.code);
  EXPECT_NE(alias.console.find("cannot update indicators"), std::string::npos) << alias.console;
}

}  // namespace
}  // namespace lumiere
