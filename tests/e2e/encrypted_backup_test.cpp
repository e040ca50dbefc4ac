// Encrypted backups end to end through the `lumiere` binary (issue #5): a plain backup and its encrypted twin
// (same files, same metadata; built with a real keybag, wrapped class keys, an encrypted Manifest.db and
// per-file keys) give identical module outputs and alerts; a scan leaves no plaintext on disk; decrypt-backup
// rebuilds the plain twin's files byte for byte; extract-key's key opens the backup; every error is distinct.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>
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
const char* const kNastyPassword = "p\xC3\xA4ss w\xC3\xB6rd \xE6\x97\xA5\xE6\x9C\xAC !$`\"'\\;|&*?~#(%)";

// sh single quotes: 'it'\''s'.
std::string quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string lumiere() {
  return test::lumiere_binary().string();
}

// The same phone, plain or encrypted: Pegasus traces (roleaccountd.plist, a weather4free.com Safari storage
// file), a WAL-mode SQLite database, a 3 MB file (several streaming chunks), an empty file.
void build_twin(const fs::path& root, bool encrypted, const std::string& password = testing::kDefaultBackupPassword,
                testing::KeyDerivation derivation = {}) {
  testing::FileMeta early;
  early.birth = early.last_modified = early.last_status_change = 1626000000;
  testing::FileMeta planted;
  planted.birth = 1626100000;
  planted.last_modified = planted.last_status_change = 1626100450;
  testing::FileMeta class1 = early;
  class1.protection_class = 1;
  std::string big(3 * 1024 * 1024 + 5, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) % 251);
  auto wal_image = testing::sqlite_from_script(
      "PRAGMA journal_mode=WAL; CREATE TABLE t (x TEXT); INSERT INTO t VALUES ('marker-plaintext-7f3a');");
  ASSERT_TRUE(wal_image);
  std::string wal_db = *wal_image;
  wal_db[18] = 2;  // a database file in WAL mode, as iOS copies them into backups
  wal_db[19] = 2;
  testing::IosBackupBuilder builder(root);
  builder.encrypted(encrypted).password(password).key_derivation(derivation);
  builder.add_directory("HomeDomain", "Library", early)
      .add_directory("HomeDomain", "Library/Preferences", early)
      .add_file("HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist",
                "<plist>marker-plaintext-7f3a</plist>", early)
      .add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", "<plist/>", planted)
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage", "", planted)
      .add_file("HomeDomain", "Library/SMS/sms.db", wal_db, class1)
      .add_file("CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV", big, early);
  ASSERT_TRUE(builder.write());
}

std::string file_id(const std::string& domain, const std::string& path) {
  return sources::IosBackup::file_id(domain, path);
}

fs::path blob(const fs::path& root, const std::string& domain, const std::string& path) {
  const auto id = file_id(domain, path);
  return root / id.substr(0, 2) / id;
}

// Output files with what legitimately differs between the two runs masked: paths, dates, versions and the
// evidence hashes (different bytes on disk by design).
std::map<std::string, std::string> outputs(const fs::path& out, const fs::path& backup) {
  std::map<std::string, std::string> files;
  for (const auto& entry : fs::directory_iterator(out)) {
    const auto name = entry.path().filename().string();
    std::string text = test::read_file(entry.path());
    if (name == "command.log") continue;  // the command lines differ; the log is compared below where it matters
    // report.html names the evidence folder and the time of the run; its content comes from the same records.
    if (name == "report.html") continue;
    if (name == "info.json") {
      Json info = Json::parse(text);
      info.erase("date");
      info.erase("target_path");
      info.erase("hashes");
      text = info.dump(2);
    }
    for (std::size_t pos = 0; (pos = text.find(backup.string(), pos)) != std::string::npos;) {
      text.replace(pos, backup.string().size(), "<BACKUP>");
    }
    files[name] = text;
  }
  return files;
}

int scan(const fs::path& backup, const fs::path& out, const std::string& extra, std::string* console) {
  const std::string iocs = (test::shared_iocs_dir() / kPegasus).string();
  const test::EvidenceGuard guard({backup, iocs});
  return test::run_command("env -u LUMIERE_BACKUP_PASSWORD " + lumiere() + " ios check-backup -i " + quote(iocs) +
                               " -o " + quote(out.string()) + " " + extra + " " + quote(backup.string()) +
                               " </dev/null",
                           console);
}

TEST(EncryptedBackup, ScanGivesTheSameOutputsAndAlertsAsThePlainTwin) {
  test::TempDir temp;
  build_twin(temp / "plain", false);
  build_twin(temp / "encrypted", true);
  ASSERT_EQ(test::read_file(temp / "plain" / "Manifest.db").substr(0, 15), "SQLite format 3")
      << "the plain twin's Manifest.db is SQLite";
  EXPECT_NE(test::read_file(temp / "encrypted" / "Manifest.db").substr(0, 15), "SQLite format 3")
      << "the encrypted twin's Manifest.db is encrypted";
  EXPECT_EQ(test::read_file(blob(temp / "encrypted", "HomeDomain", "Library/SMS/sms.db")).find("marker-plaintext"),
            std::string::npos);

  std::string console;
  ASSERT_EQ(scan(temp / "plain", temp / "out-plain", "", &console), 1) << console;
  ASSERT_EQ(scan(temp / "encrypted", temp / "out-encrypted", "-p " + quote(testing::kDefaultBackupPassword), &console),
            1)
      << console;
  const auto plain = outputs(temp / "out-plain", temp / "plain");
  const auto encrypted = outputs(temp / "out-encrypted", temp / "encrypted");
  EXPECT_EQ(plain, encrypted);
  const Json alerts = Json::parse(test::read_file(temp / "out-encrypted" / "alerts.json"));
  ASSERT_EQ(alerts.size(), 2U) << alerts.dump(2);
  EXPECT_EQ(alerts[0]["matched_indicator"]["value"], "roleaccountd.plist");
  EXPECT_EQ(alerts[1]["matched_indicator"]["value"], "weather4free.com");
  // The password never reaches the log.
  const std::string log = test::read_file(temp / "out-encrypted" / "command.log");
  EXPECT_EQ(log.find(testing::kDefaultBackupPassword), std::string::npos) << log;
  EXPECT_NE(log.find("-p ***"), std::string::npos) << log;
}

TEST(EncryptedBackup, ModulesReadDecryptedFilesAndDatabasesInMemory) {
  test::TempDir temp;
  build_twin(temp / "encrypted", true);
  build_twin(temp / "plain", false);
  auto secret = sources::BackupSecret::from_password(testing::kDefaultBackupPassword);
  auto backup = sources::IosBackup::open(temp / "encrypted", &secret);
  ASSERT_TRUE(backup) << backup.error().describe();
  ASSERT_TRUE(backup->encrypted());
  ASSERT_TRUE(backup->unlocked());
  auto plain = sources::IosBackup::open(temp / "plain");
  ASSERT_TRUE(plain);
  for (const auto& [domain, path] : std::vector<std::pair<std::string, std::string>>{
           {"HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist"},
           {"HomeDomain", "Library/SMS/sms.db"},
           {"CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV"},
           {"AppDomain-com.apple.mobilesafari",
            "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage"}}) {
    auto file = backup->find(domain, path);
    ASSERT_TRUE(file) << file.error().describe();
    auto content = backup->read(*file);
    ASSERT_TRUE(content) << content.error().describe();
    auto plain_file = plain->find(domain, path);
    ASSERT_TRUE(plain_file);
    EXPECT_EQ(*content, *plain->read(*plain_file)) << path << ": PKCS#7 removed, nothing truncated or added";
    // Found by file ID only (no metadata in hand): the key is looked up in Manifest.db.
    sources::BackupFile by_id{file->file_id, domain, path, 1, {}};
    auto again = backup->read(by_id);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *content);
  }
  // A WAL-mode database decrypted into memory opens (its header is marked rollback-journal in memory).
  auto sms = backup->find("HomeDomain", "Library/SMS/sms.db");
  ASSERT_TRUE(sms);
  auto db = backup->open_database(*sms);
  ASSERT_TRUE(db) << db.error().describe();
  auto probed = db->probe();
  ASSERT_TRUE(probed) << probed.error().describe();
  auto stmt = db->prepare("SELECT x FROM t");
  ASSERT_TRUE(stmt);
  ASSERT_TRUE(*stmt->step());
  EXPECT_EQ(stmt->text(0), "marker-plaintext-7f3a");
}

TEST(EncryptedBackup, NoPlaintextOnDisk) {
  test::TempDir temp;
  build_twin(temp / "encrypted", true);
  build_twin(temp / "plain", false);
  fs::create_directories(temp / "tmp");
  std::string console;
  const std::string iocs = (test::shared_iocs_dir() / kPegasus).string();
  const test::EvidenceGuard guard({temp / "encrypted", iocs});
  const int code =
      test::run_command("env TMPDIR=" + quote((temp / "tmp").string()) +
                            " LUMIERE_BACKUP_PASSWORD=" + quote(testing::kDefaultBackupPassword) + " " + lumiere() +
                            " ios check-backup --hashes -i " + quote(iocs) + " -o " + quote((temp / "out").string()) +
                            " " + quote((temp / "encrypted").string()) + " </dev/null",
                        &console);
  ASSERT_EQ(code, 1) << console;
  EXPECT_TRUE(fs::is_empty(temp / "tmp")) << "nothing in TMPDIR, not even a removed-later copy";
  ASSERT_EQ(scan(temp / "plain", temp / "out-plain", "", &console), 1) << console;
  std::vector<std::string> names;
  std::vector<std::string> plain_names;
  for (const auto& entry : fs::directory_iterator(temp / "out")) names.push_back(entry.path().filename().string());
  for (const auto& entry : fs::directory_iterator(temp / "out-plain")) {
    plain_names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  std::sort(plain_names.begin(), plain_names.end());
  EXPECT_EQ(names, plain_names) << "only the reports";
  for (const auto& name : names) {
    EXPECT_EQ(test::read_file(temp / "out" / name).find("marker-plaintext-7f3a"), std::string::npos)
        << name << " holds file content that no module reports";
  }
}

TEST(EncryptedBackup, DecryptBackupRebuildsThePlainTwin) {
  test::TempDir temp;
  build_twin(temp / "encrypted", true, kNastyPassword);
  build_twin(temp / "plain", false);
  test::write_file(temp / "password.txt", std::string(kNastyPassword) + "\n");
  const test::EvidenceGuard guard({temp / "encrypted", temp / "password.txt"});
  std::string console;
  ASSERT_EQ(test::run_command(lumiere() + " ios decrypt-backup --hashes -d " + quote((temp / "dec").string()) +
                                  " --password-file " + quote((temp / "password.txt").string()) + " " +
                                  quote((temp / "encrypted").string()) + " </dev/null",
                              &console),
            0)
      << console;
  // Every blob byte-identical to the plain twin's; the root plists copied as they are.
  const auto plain = test::hash_tree(temp / "plain");
  const auto decrypted = test::hash_tree(temp / "dec");
  const auto original = test::hash_tree(temp / "encrypted");
  for (const auto& [rel, digest] : plain) {
    if (rel == "Manifest.db") continue;  // its MBFile blobs carry EncryptionKey fields in the encrypted twin
    if (rel.ends_with(".plist")) {
      EXPECT_EQ(decrypted.at(rel), original.at(rel)) << rel;
      continue;
    }
    ASSERT_TRUE(decrypted.contains(rel)) << rel;
    EXPECT_EQ(decrypted.at(rel), digest) << rel;
  }
  EXPECT_EQ(decrypted.size(), plain.size());
  EXPECT_NE(console.find(decrypted.at(file_id("HomeDomain", "Library/SMS/sms.db").substr(0, 2) + "/" +
                                      file_id("HomeDomain", "Library/SMS/sms.db"))),
            std::string::npos)
      << "--hashes lists the written files\n"
      << console;
  // Manifest.db is plain SQLite with every row.
  auto db = sqlite::Database::open_evidence(temp / "dec" / "Manifest.db", "Manifest.db");
  ASSERT_TRUE(db);
  auto count = db->prepare("SELECT count(*) AS n FROM Files");
  ASSERT_TRUE(count);
  ASSERT_TRUE(*count->step());
  EXPECT_EQ(count->integer("n"), 7);
  // mtimes from LastModified.
  struct stat st {};
  ASSERT_EQ(::stat(blob(temp / "dec", "HomeDomain", "Library/Preferences/roleaccountd.plist").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1626100450);
  // The decrypted copy scans like the plain twin (Manifest.plist still says IsEncrypted: a decrypted copy).
  ASSERT_EQ(scan(temp / "plain", temp / "out-plain", "", &console), 1) << console;
  ASSERT_EQ(scan(temp / "dec", temp / "out-dec", "", &console), 1) << console;
  EXPECT_EQ(outputs(temp / "out-plain", temp / "plain"), outputs(temp / "out-dec", temp / "dec"));
  // Never over an existing folder.
  ASSERT_EQ(test::run_command(lumiere() + " ios decrypt-backup -d " + quote((temp / "dec").string()) +
                                  " --password-file " + quote((temp / "password.txt").string()) + " " +
                                  quote((temp / "encrypted").string()) + " </dev/null",
                              &console),
            2);
  EXPECT_NE(console.find("exists and is not empty"), std::string::npos) << console;
}

TEST(EncryptedBackup, ExtractKeyOpensTheBackup) {
  test::TempDir temp;
  build_twin(temp / "encrypted", true, kNastyPassword);
  const test::EvidenceGuard guard({temp / "encrypted"});
  std::string console;
  // The password through the environment, printed key.
  ASSERT_EQ(test::run_command("env LUMIERE_BACKUP_PASSWORD=" + quote(kNastyPassword) + " " + lumiere() +
                                  " ios extract-key " + quote((temp / "encrypted").string()) + " </dev/null",
                              &console),
            0)
      << console;
  const std::smatch match = [&] {
    std::smatch m;
    std::regex_search(console, m, std::regex("^[0-9a-f]{64}$", std::regex::multiline));
    return m;
  }();
  ASSERT_FALSE(match.empty()) << console;
  const std::string key = match.str();
  // -p with shell quoting, key written to a file: exactly 64 bytes, mode 0600.
  ASSERT_EQ(test::run_command(lumiere() + " ios extract-key -p " + quote(kNastyPassword) + " -k " +
                                  quote((temp / "key.txt").string()) + " " + quote((temp / "encrypted").string()) +
                                  " </dev/null",
                              &console),
            0)
      << console;
  EXPECT_EQ(test::read_file(temp / "key.txt"), key);
  EXPECT_EQ(fs::status(temp / "key.txt").permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  // The key opens the backup, with or without a trailing newline.
  test::write_file(temp / "key-newline.txt", key + "\n");
  for (const char* file : {"key.txt", "key-newline.txt"}) {
    EXPECT_EQ(
        scan(temp / "encrypted", temp / (std::string("out-") + file), "-k " + quote((temp / file).string()), &console),
        1)
        << console;
  }
}

// On a terminal (a pseudo-terminal from util-linux `script`), the password is asked for without echo.
TEST(EncryptedBackup, PromptsWithoutEchoOnATerminal) {
  if (test::run_command("command -v script >/dev/null") != 0) GTEST_SKIP() << "no `script` to make a terminal";
  test::TempDir temp;
  build_twin(temp / "encrypted", true, "typed s3cret!");
  const test::EvidenceGuard guard({temp / "encrypted"});
  std::string console;
  // The password arrives after the prompt has turned echo off (echo happens when the terminal receives it).
  const int code = test::run_command(
      "(sleep 2; printf '%s\\n' 'typed s3cret!') | env -u LUMIERE_BACKUP_PASSWORD "
      "script -qec " +
          quote(lumiere() + " ios extract-key " + quote((temp / "encrypted").string())) + " /dev/null",
      &console);
  EXPECT_EQ(code, 0) << console;
  EXPECT_NE(console.find("Password of the encrypted backup (not shown)"), std::string::npos) << console;
  EXPECT_TRUE(std::regex_search(console, std::regex("[0-9a-f]{64}"))) << console;
  EXPECT_EQ(console.find("typed s3cret!"), std::string::npos) << "the password was echoed:\n" << console;
}

// One error case: the command, its exit code and a phrase of its message.
void expect_error(const std::string& command, const std::string& phrase) {
  std::string console;
  EXPECT_EQ(test::run_command("env -u LUMIERE_BACKUP_PASSWORD " + command + " </dev/null", &console), 2)
      << command << "\n"
      << console;
  EXPECT_NE(console.find(phrase), std::string::npos) << command << "\n" << console;
}

TEST(EncryptedBackup, ErrorsAreDistinctAndSayWhatToDo) {
  test::TempDir temp;
  const fs::path enc = temp / "encrypted";
  build_twin(enc, true);
  build_twin(temp / "plain", false);
  const test::EvidenceGuard guard({enc, temp / "plain"});
  const std::string b = quote(enc.string());
  const std::string out = " -o " + quote((temp / "out").string()) + " ";

  // No secret at all: the hint, once, exit 2, nothing written; no flood of per-module database errors.
  expect_error(lumiere() + " ios check-backup" + out + b, "this backup is encrypted: give its password with -p");
  EXPECT_FALSE(fs::exists(temp / "out"));
  {
    std::string console;
    test::run_command(
        "env -u LUMIERE_BACKUP_PASSWORD " + lumiere() + " ios check-backup" + out + b + " </dev/null 2>&1", &console);
    std::size_t hints = 0;
    for (std::size_t pos = 0; (pos = console.find("this backup is encrypted", pos)) != std::string::npos; ++pos)
      ++hints;
    EXPECT_EQ(hints, 1U) << console;
    EXPECT_EQ(console.find("not a database"), std::string::npos) << console;
    EXPECT_EQ(console.find("could not analyse"), std::string::npos) << console;
  }
  expect_error(lumiere() + " ios extract-key " + b, "this backup is encrypted: give its password");
  // Wrong password, for each command.
  expect_error(lumiere() + " ios check-backup -p wrong" + out + b, "wrong password or key");
  expect_error(lumiere() + " ios decrypt-backup -p wrong -d " + quote((temp / "d1").string()) + " " + b,
               "wrong password or key");
  EXPECT_FALSE(fs::exists(temp / "d1")) << "nothing written on a wrong password";
  expect_error(lumiere() + " ios extract-key -p wrong " + b, "wrong password or key");
  test::write_file(temp / "bad.key", std::string(64, '0'));
  expect_error(lumiere() + " ios check-backup -k " + quote((temp / "bad.key").string()) + out + b,
               "wrong password or key");
  // Malformed key file; several secrets at once.
  test::write_file(temp / "short.key", "abcd\n");
  expect_error(lumiere() + " ios check-backup -k " + quote((temp / "short.key").string()) + out + b,
               "invalid key file: a key is 64 hex digits");
  expect_error(lumiere() + " ios check-backup -p x -k " + quote((temp / "bad.key").string()) + out + b,
               "give only one of");
  // Not encrypted.
  const std::string plain = quote((temp / "plain").string());
  expect_error(lumiere() + " ios decrypt-backup -p x -d " + quote((temp / "d2").string()) + " " + plain,
               "this backup is not encrypted");
  expect_error(lumiere() + " ios extract-key -p x " + plain, "this backup is not encrypted");
  // Not a backup; several backups in sub-folders.
  test::write_file(temp / "empty" / "readme.txt", "x");
  expect_error(lumiere() + " ios decrypt-backup -p x -d " + quote((temp / "d3").string()) + " " +
                   quote((temp / "empty").string()),
               "not an iOS backup");
  expect_error(lumiere() + " ios extract-key -p x " + quote(temp.path().string()),
               "2 sub-folders hold a backup; give the one to check");
  // Destination inside the evidence.
  expect_error(lumiere() + " ios decrypt-backup -p x -d " + quote((enc / "dec").string()) + " " + b,
               "the destination is inside the backup");
}

TEST(EncryptedBackup, BackupInASubFolderIsFound) {
  test::TempDir temp;
  build_twin(temp / "Backup" / "00008101-000A1B2C3D4E001E", true);
  const test::EvidenceGuard guard({temp / "Backup"});
  std::string console;
  EXPECT_EQ(scan(temp / "Backup", temp / "out", "-p " + quote(testing::kDefaultBackupPassword), &console), 1)
      << console;
  EXPECT_EQ(test::run_command(lumiere() + " ios extract-key -p " + quote(testing::kDefaultBackupPassword) + " " +
                                  quote((temp / "Backup").string()) + " </dev/null",
                              &console),
            0)
      << console;
}

TEST(EncryptedBackup, MissingRootFilesAndUnsupportedKeybag) {
  test::TempDir temp;
  const std::string pw = " -p " + quote(testing::kDefaultBackupPassword) + " ";
  // Manifest.plist missing: the keybag is gone.
  build_twin(temp / "no-manifest-plist", true);
  fs::remove(temp / "no-manifest-plist" / "Manifest.plist");
  const test::EvidenceGuard no_manifest_guard({temp / "no-manifest-plist"});
  expect_error(lumiere() + " ios check-backup" + pw + quote((temp / "no-manifest-plist").string()),
               "Manifest.plist is missing");
  expect_error(lumiere() + " ios extract-key" + pw + quote((temp / "no-manifest-plist").string()),
               "Manifest.plist is missing");
  // Status.plist missing: decrypt-backup and extract-key refuse an incomplete backup.
  build_twin(temp / "no-status", true);
  fs::remove(temp / "no-status" / "Status.plist");
  const test::EvidenceGuard no_status_guard({temp / "no-status"});
  expect_error(lumiere() + " ios decrypt-backup" + pw + "-d " + quote((temp / "d").string()) + " " +
                   quote((temp / "no-status").string()),
               "Status.plist is missing");
  expect_error(lumiere() + " ios extract-key" + pw + quote((temp / "no-status").string()), "Status.plist is missing");
  // A keybag that is not one.
  build_twin(temp / "bad-keybag", true);
  const fs::path manifest_plist = temp / "bad-keybag" / "Manifest.plist";
  const auto bytes = test::read_file(manifest_plist);
  auto parsed = plist::parse(std::vector<std::uint8_t>(bytes.begin(), bytes.end()));
  ASSERT_TRUE(parsed);
  for (auto& [key, value] : *parsed->get_if<plist::Dict>()) {
    if (key == "BackupKeyBag") value = plist::Bytes{'T', 'Y', 'P', 'E', 0, 0, 0, 4, 0, 0, 0, 9};
  }
  auto serialized = plist::serialize(*parsed, plist::Format::kBinary);
  ASSERT_TRUE(serialized);
  test::write_file(manifest_plist, std::string(serialized->begin(), serialized->end()));
  const test::EvidenceGuard bad_keybag_guard({temp / "bad-keybag"});
  expect_error(lumiere() + " ios check-backup" + pw + quote((temp / "bad-keybag").string()), "unsupported keybag");
}

TEST(EncryptedBackup, CorruptAndMissingBlobsWarnAndTheRestGoesOn) {
  test::TempDir temp;
  const fs::path enc = temp / "encrypted";
  build_twin(enc, true);
  // Truncate the Safari preferences (padding lost) and delete the SMS database's blob.
  const fs::path safari = blob(enc, "HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist");
  const std::string data = test::read_file(safari);
  test::write_file(safari, data.substr(0, data.size() - 16));
  fs::remove(blob(enc, "HomeDomain", "Library/SMS/sms.db"));
  const test::EvidenceGuard guard({enc});
  std::string console;
  ASSERT_EQ(test::run_command(lumiere() + " ios decrypt-backup -p " + quote(testing::kDefaultBackupPassword) + " -d " +
                                  quote((temp / "dec").string()) + " " + quote(enc.string()) + " </dev/null",
                              &console),
            0)
      << console;
  EXPECT_NE(console.find("warning: HomeDomain/Library/Preferences/com.apple.mobilesafari.plist"), std::string::npos)
      << console;
  EXPECT_NE(console.find("PKCS#7"), std::string::npos) << console;
  EXPECT_NE(console.find("1 file(s) could not be decrypted"), std::string::npos) << console;
  EXPECT_NE(console.find("(1 listed in Manifest.db are not in this backup)"), std::string::npos) << console;
  EXPECT_FALSE(fs::exists(blob(temp / "dec", "HomeDomain", "Library/Preferences/com.apple.mobilesafari.plist")))
      << "no half-decrypted file is left";
  EXPECT_TRUE(fs::exists(blob(temp / "dec", "CameraRollDomain", "Media/DCIM/100APPLE/IMG_0001.MOV")));
  // check-backup still reaches its verdict.
  EXPECT_EQ(scan(enc, temp / "out", "-p " + quote(testing::kDefaultBackupPassword), &console), 1) << console;
}

TEST(EncryptedBackup, OlderBackupsWithoutDoubleDerivation) {
  test::TempDir temp;
  build_twin(temp / "old", true, "old-password", {.dpic = 0, .iterations = 1000, .double_derivation = false});
  std::string console;
  EXPECT_EQ(scan(temp / "old", temp / "out", "-p old-password", &console), 1) << console;
}

}  // namespace
}  // namespace lumiere
