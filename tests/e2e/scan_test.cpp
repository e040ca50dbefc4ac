// `lumiere scan`: each kind of acquisition is recognised from its shape (small examples of each built here),
// iOS backups are analysed, the other kinds are named with "not supported yet", unknown input gets the list
// of what lumiere recognises, and several inputs give one sub-folder each and a table ranked by severity.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <memory>

#include "core/json.hpp"
#include "sources/detect.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;
using sources::EvidenceKind;

struct Member {
  std::string name;
  std::string content;
};

enum class ArchiveFormat { kZip, kTarGz, kTar };

void write_archive(const fs::path& file, ArchiveFormat format, const std::vector<Member>& members) {
  std::unique_ptr<archive, decltype(&archive_write_free)> writer(archive_write_new(), &archive_write_free);
  if (format == ArchiveFormat::kZip) {
    archive_write_set_format_zip(writer.get());
  } else {
    archive_write_set_format_pax_restricted(writer.get());
    if (format == ArchiveFormat::kTarGz) archive_write_add_filter_gzip(writer.get());
  }
  ASSERT_EQ(archive_write_open_filename(writer.get(), file.c_str()), ARCHIVE_OK);
  for (const auto& member : members) {
    std::unique_ptr<archive_entry, decltype(&archive_entry_free)> entry(archive_entry_new(), &archive_entry_free);
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.content.size()));
    archive_entry_set_filetype(entry.get(), AE_IFREG);
    archive_entry_set_perm(entry.get(), 0644);
    ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK);
    archive_write_data(writer.get(), member.content.data(), member.content.size());
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);
}

void write_tree(const fs::path& root, const std::vector<Member>& members) {
  for (const auto& member : members) test::write_file(root / member.name, member.content);
}

const std::vector<Member>& ios_filesystem_members() {
  static const std::vector<Member> kMembers{
      {"private/var/mobile/Library/SMS/sms.db", "db"},
      {"private/var/mobile/Library/Preferences/com.apple.Preferences.plist", "plist"},
      {"private/var/containers/Bundle/Application/0A1B/iTunesMetadata.plist", "plist"}};
  return kMembers;
}
const std::vector<Member>& sysdiagnose_members() {
  static const std::vector<Member> kMembers{
      {"sysdiagnose_2026.11.20_10-15-42+0100_iPhone-OS_iPhone_22B83/ps.txt", "USER PID\n"},
      {"sysdiagnose_2026.11.20_10-15-42+0100_iPhone-OS_iPhone_22B83/system_logs.logarchive/Info.plist", "x"},
      {"sysdiagnose_2026.11.20_10-15-42+0100_iPhone-OS_iPhone_22B83/logs/Shutdown/shutdown.log", "x"}};
  return kMembers;
}
const std::vector<Member>& bugreport_members() {
  static const std::vector<Member> kMembers{
      {"main_entry.txt", "bugreport-panther-UQ1A.240205.004-2026-11-20-10-15-42.txt"},
      {"bugreport-panther-UQ1A.240205.004-2026-11-20-10-15-42.txt", "== dumpstate"},
      {"version.txt", "2.0"},
      {"FS/data/misc/x", "x"}};
  return kMembers;
}
const std::vector<Member>& androidqf_members() {
  static const std::vector<Member> kMembers{{"acquisition.json", "{}"},
                                            {"getprop.txt", "[ro.build.version.release]: [14]"},
                                            {"packages.json", "[]"},
                                            {"processes.txt", "PID"}};
  return kMembers;
}

void expect_kind(const fs::path& path, EvidenceKind kind, bool archive) {
  const test::EvidenceGuard guard({path});
  auto detected = sources::detect_evidence(path);
  ASSERT_TRUE(detected) << path << ": " << detected.error().describe();
  EXPECT_EQ(detected->kind, kind) << path << " recognised as " << sources::to_string(detected->kind);
  EXPECT_EQ(detected->archive, archive) << path;
  EXPECT_TRUE(detected->warnings.empty()) << path << ": a real acquisition raises no hostile-input warning";
}

TEST(Detect, EveryInputShapeIsRecognised) {
  test::TempDir temp;
  ASSERT_TRUE(testing::IosBackupBuilder(temp / "backup").add_file("HomeDomain", "Library/x", "x").write());
  expect_kind(temp / "backup", EvidenceKind::kIosBackup, false);
  // A backup copied with its UDID folder.
  ASSERT_TRUE(testing::IosBackupBuilder(temp / "wrapped" / "00008101-000A1B2C3D4E001E").write());
  expect_kind(temp / "wrapped", EvidenceKind::kIosBackup, false);
  testing::IosBackupBuilder encrypted(temp / "encrypted");
  encrypted.encrypted(true);
  ASSERT_TRUE(encrypted.write());
  auto enc = sources::detect_evidence(temp / "encrypted");
  ASSERT_TRUE(enc);
  EXPECT_TRUE(enc->encrypted);

  write_tree(temp / "fs", ios_filesystem_members());
  expect_kind(temp / "fs", EvidenceKind::kIosFilesystem, false);
  write_archive(temp / "fs.tar", ArchiveFormat::kTar, ios_filesystem_members());
  expect_kind(temp / "fs.tar", EvidenceKind::kIosFilesystem, true);
  write_archive(temp / "fs.zip", ArchiveFormat::kZip, ios_filesystem_members());
  expect_kind(temp / "fs.zip", EvidenceKind::kIosFilesystem, true);

  write_archive(temp / "sysdiagnose.tar.gz", ArchiveFormat::kTarGz, sysdiagnose_members());
  expect_kind(temp / "sysdiagnose.tar.gz", EvidenceKind::kIosSysdiagnose, true);
  write_tree(temp / "sysdiag-folder", sysdiagnose_members());
  expect_kind(temp / "sysdiag-folder", EvidenceKind::kIosSysdiagnose, false);

  write_archive(temp / "bugreport.zip", ArchiveFormat::kZip, bugreport_members());
  expect_kind(temp / "bugreport.zip", EvidenceKind::kAndroidBugreport, true);
  write_tree(temp / "bugreport", bugreport_members());
  expect_kind(temp / "bugreport", EvidenceKind::kAndroidBugreport, false);

  write_tree(temp / "androidqf", androidqf_members());
  expect_kind(temp / "androidqf", EvidenceKind::kAndroidQf, false);
  write_archive(temp / "androidqf.zip", ArchiveFormat::kZip, androidqf_members());
  expect_kind(temp / "androidqf.zip", EvidenceKind::kAndroidQf, true);

  test::write_file(temp / "backup.ab", std::string("ANDROID BACKUP\n5\n1\nnone\n") + std::string(64, '\x78'));
  expect_kind(temp / "backup.ab", EvidenceKind::kAndroidBackup, true);
}

TEST(Detect, UnknownInputListsWhatIsRecognised) {
  test::TempDir temp;
  test::write_file(temp / "notes.txt", "meeting notes");
  fs::create_directories(temp / "photos");
  test::write_file(temp / "photos" / "IMG_0001.HEIC", "x");
  write_archive(temp / "docs.zip", ArchiveFormat::kZip, {{"report.docx", "x"}});
  const test::EvidenceGuard guard({temp.path()});
  for (const auto& path : {temp / "notes.txt", temp / "photos", temp / "docs.zip"}) {
    auto detected = sources::detect_evidence(path);
    ASSERT_FALSE(detected) << path;
    EXPECT_EQ(detected.error().code, ErrorCode::kInvalidArgument);
    EXPECT_NE(detected.error().message.find("lumiere recognises an iTunes/Finder iOS backup"), std::string::npos)
        << detected.error().message;
  }
  EXPECT_EQ(sources::detect_evidence(temp / "absent").error().code, ErrorCode::kNotFound);
}

TEST(Scan, RoutesBackupsNamesUnsupportedAndRanksSeveralInputs) {
  test::TempDir temp;
  testing::FileMeta meta;
  ASSERT_TRUE(testing::IosBackupBuilder(temp / "infected")
                  .add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", "x", meta)
                  .write());
  ASSERT_TRUE(testing::IosBackupBuilder(temp / "clean")
                  .add_file("HomeDomain", "Library/Preferences/x.plist", "x", meta)
                  .write());
  write_archive(temp / "bugreport.zip", ArchiveFormat::kZip, bugreport_members());
  test::write_file(temp / "notes.txt", "meeting notes");
  const fs::path out = temp / "out";
  const fs::path iocs = test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2";
  const test::EvidenceGuard guard(
      {temp / "infected", temp / "clean", temp / "bugreport.zip", temp / "notes.txt", iocs});
  std::string console;
  const int rc = test::run_command(
      "env XDG_DATA_HOME='" + (temp / "xdg").string() + "' LUMIERE_IOCS= " + test::lumiere_binary().string() +
          " scan -i '" +
          (test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2").string() + "' -o '" +
          out.string() + "' '" + (temp / "clean").string() + "' '" + (temp / "bugreport.zip").string() + "' '" +
          (temp / "infected").string() + "' '" + (temp / "notes.txt").string() + "' 2>&1",
      &console);
  EXPECT_EQ(rc, 1) << console;  // HIGH alerts found in one input
  EXPECT_TRUE(fs::exists(out / "infected" / "alerts.json")) << console;
  EXPECT_TRUE(fs::exists(out / "clean" / "report.html")) << console;
  EXPECT_NE(console.find("recognised as Android bugreport"), std::string::npos) << console;
  EXPECT_NE(console.find("not supported yet"), std::string::npos);
  EXPECT_NE(console.find("lumiere recognises"), std::string::npos);
  // The table puts the infected backup first, then the clean one, then what was not analysed.
  const auto table = console.find("Summary (4 inputs, most severe first)");
  ASSERT_NE(table, std::string::npos) << console;
  const auto infected = console.find("infected", table);
  const auto clean = console.find("clean", table);
  const auto bugreport = console.find("bugreport.zip", table);
  EXPECT_LT(infected, clean);
  EXPECT_LT(clean, bugreport);
  EXPECT_NE(console.find("SIGNS OF KNOWN SPYWARE", table), std::string::npos);
  // scan.json: the same table for scripts, most severe first.
  const Json summary = Json::parse(test::read_file(out / "scan.json"));
  ASSERT_EQ(summary["inputs"].size(), 4U) << summary.dump(2);
  EXPECT_EQ(summary["inputs"][0]["outcome"], "SIGNS OF KNOWN SPYWARE");
  EXPECT_EQ(summary["inputs"][0]["high"], 1);
  EXPECT_EQ(summary["inputs"][1]["outcome"], "no sign of known spyware");
  EXPECT_EQ(summary["inputs"][3]["kind"], "unrecognised");
  EXPECT_NE(summary["inputs"][3]["warnings"][0].get<std::string>().find("lumiere recognises"), std::string::npos);
}

TEST(Scan, OnlyUnsupportedInputExitsWithError) {
  test::TempDir temp;
  write_tree(temp / "androidqf", androidqf_members());
  const test::EvidenceGuard guard({temp / "androidqf"});
  std::string console;
  const int rc = test::run_command(test::lumiere_binary().string() + " scan -o '" + (temp / "out").string() + "' '" +
                                       (temp / "androidqf").string() + "' 2>&1",
                                   &console);
  EXPECT_EQ(rc, 2);
  EXPECT_NE(console.find("recognised as androidqf acquisition"), std::string::npos) << console;
}

}  // namespace
}  // namespace lumiere
