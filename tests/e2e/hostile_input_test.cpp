// Issue #7: the malformed-evidence corpus. Evidence comes from a device the attacker may control, so each case
// below plants one hostile shape (a truncated, empty or oversized database, a wrong schema, garbage or deeply
// nested plists, an NSKeyedArchiver reference cycle, invalid UTF-8 everywhere, a 15 MiB line, archives built
// to escape their folder, a decompression bomb, a "database" that is a folder) and runs the `lumiere` binary
// on it. Every case must end with a warning naming the file and the problem, no crash, output files that are
// valid JSON, the evidence unchanged, and nothing written outside the output folder (TMPDIR included).
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "sources/ios_backup.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

// "prlimit --as=N --", or nothing under AddressSanitizer, which reserves terabytes of address space (its
// shadow memory) and cannot start under such a limit; the sanitizer build still runs the attacks unlimited.
std::string address_space_limit(const char* bytes) {
#if defined(__SANITIZE_ADDRESS__)
  return "";
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
  return "";
#endif
#endif
  return std::string("prlimit --as=") + bytes + " --";
}

constexpr const char* kSmsDomain = "HomeDomain";
constexpr const char* kSmsPath = "Library/SMS/sms.db";
constexpr const char* kPreferencesPath = "Library/Preferences/.GlobalPreferences.plist";

// sms.db as iOS 15 writes it (the columns the SMS module reads), with one message per row given.
std::string sms_script(const std::vector<std::string>& rows) {
  std::string script =
      "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT, "
      "service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT);\n"
      "CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT, "
      "replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0, subject TEXT, country TEXT, "
      "attributedBody BLOB, version INTEGER DEFAULT 0, type INTEGER DEFAULT 0, service TEXT, account TEXT, "
      "account_guid TEXT, error INTEGER DEFAULT 0, date INTEGER, date_read INTEGER, date_delivered INTEGER, "
      "is_delivered INTEGER DEFAULT 0, is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, "
      "is_from_me INTEGER DEFAULT 0, is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, "
      "is_auto_reply INTEGER DEFAULT 0, is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, "
      "is_system_message INTEGER DEFAULT 0, is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, "
      "cache_has_attachments INTEGER DEFAULT 0, item_type INTEGER DEFAULT 0, group_title TEXT, "
      "is_service_message INTEGER DEFAULT 0, thread_originator_guid TEXT);\n"
      "INSERT INTO handle (ROWID, id, country, service) VALUES (1, '+41791234567', 'ch', 'SMS');\n";
  for (const auto& row : rows) script += row + "\n";
  return script;
}

std::string sms_row(int id, const std::string& text_sql) {
  return "INSERT INTO message (ROWID, guid, text, handle_id, service, date, is_from_me) VALUES (" + std::to_string(id) +
         ", 'guid-" + std::to_string(id) + "', " + text_sql + ", 1, 'SMS', 680000000000000000, 0);";
}

// A binary plist of `depth` arrays nested in one another (bplist00, 4-byte references and offsets).
std::string nested_binary_plist(std::uint32_t depth) {
  std::string out = "bplist00";
  std::vector<std::uint32_t> offsets;
  auto put32 = [&out](std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> static_cast<unsigned>(shift)) & 0xFFU);
  };
  for (std::uint32_t i = 0; i < depth; ++i) {
    offsets.push_back(static_cast<std::uint32_t>(out.size()));
    out += static_cast<char>(0xA1);  // array of one element
    put32(i + 1);
  }
  offsets.push_back(static_cast<std::uint32_t>(out.size()));
  out += static_cast<char>(0x08);  // false
  const auto table = static_cast<std::uint32_t>(out.size());
  for (const auto offset : offsets) put32(offset);
  out += std::string(6, '\0');
  out += static_cast<char>(4);  // offset size
  out += static_cast<char>(4);  // reference size
  auto put64 = [&put32](std::uint32_t v) {
    put32(0);
    put32(v);
  };
  put64(static_cast<std::uint32_t>(offsets.size()));
  put64(0);
  put64(table);
  return out;
}

std::string nested_xml_plist(int depth) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">";
  for (int i = 0; i < depth; ++i) out += "<array>";
  out += "<true/>";
  for (int i = 0; i < depth; ++i) out += "</array>";
  return out + "</plist>\n";
}

// An MBFile archive whose root object names itself as its own property value: a reference cycle.
plist::Bytes cyclic_mbfile() {
  using plist::Dict;
  using plist::Uid;
  using plist::Value;
  Dict root{{"$class", Value{Uid{2}}},
            {"RelativePath", Value{Uid{1}}},
            {"Birth", Value{Uid{1}}},
            {"LastModified", Value{std::int64_t{1657000000}}},
            {"Size", Value{Uid{1}}}};
  Dict klass{{"$classname", Value{std::string("MBFile")}},
             {"$classes", Value{plist::Array{Value{std::string("MBFile")}, Value{std::string("NSObject")}}}}};
  Dict archive{{"$archiver", Value{std::string("NSKeyedArchiver")}},
               {"$version", Value{std::int64_t{100000}}},
               {"$top", Value{Dict{{"root", Value{Uid{1}}}}}},
               {"$objects", Value{plist::Array{Value{std::string("$null")}, Value{root}, Value{klass}}}}};
  auto bytes = plist::serialize(Value{archive}, plist::Format::kBinary);
  return bytes ? *bytes : plist::Bytes{};
}

struct ArchiveMember {
  std::string name;
  std::string content;
  std::string symlink;  // non-empty: a symbolic link to this target
};

// A tar (gzip-compressed with `gzip`) written with libarchive, members as given, names unchecked.
void write_tar(const fs::path& file, const std::vector<ArchiveMember>& members, bool gzip) {
  std::unique_ptr<archive, int (*)(archive*)> writer(archive_write_new(), archive_write_free);
  archive_write_set_format_pax_restricted(writer.get());
  if (gzip) archive_write_add_filter_gzip(writer.get());
  ASSERT_EQ(archive_write_open_filename(writer.get(), file.c_str()), ARCHIVE_OK);
  for (const auto& member : members) {
    std::unique_ptr<archive_entry, void (*)(archive_entry*)> entry(archive_entry_new(), archive_entry_free);
    archive_entry_set_pathname(entry.get(), member.name.c_str());
    if (!member.symlink.empty()) {
      archive_entry_set_filetype(entry.get(), AE_IFLNK);
      archive_entry_set_symlink(entry.get(), member.symlink.c_str());
      archive_entry_set_perm(entry.get(), 0777);
      archive_entry_set_size(entry.get(), 0);
    } else {
      archive_entry_set_filetype(entry.get(), AE_IFREG);
      archive_entry_set_perm(entry.get(), 0644);
      archive_entry_set_size(entry.get(), static_cast<la_int64_t>(member.content.size()));
    }
    ASSERT_EQ(archive_write_header(writer.get(), entry.get()), ARCHIVE_OK);
    if (!member.content.empty()) {
      archive_write_data(writer.get(), member.content.data(), member.content.size());
    }
  }
  ASSERT_EQ(archive_write_close(writer.get()), ARCHIVE_OK);
}

// One case: how to make the evidence under `dir` (returns the path to scan), how to run it, what the warning
// must say.
struct HostileCase {
  std::string name;
  std::function<fs::path(const fs::path& dir)> make;
  std::string command;                 // "ios check-backup" or "scan"
  std::vector<std::string> must_name;  // substrings of the console + command.log: the file, the problem
  std::vector<std::string> escapes{};  // paths (relative to the case folder) that must not exist afterwards
  std::string options{};               // more options, after -i and -o
  std::string prefix{};                // run under this (e.g. "prlimit --as=N")
  // More checks on what the run left: its exit code, console + command.log, the output folder.
  std::function<void(int rc, const std::string& log, const fs::path& out)> verify{};
  bool exits_early = false;  // exit 2 before any analysis (a refused secret file)
};

fs::path backup_with(const fs::path& dir, const std::function<void(testing::IosBackupBuilder&)>& fill) {
  testing::IosBackupBuilder builder(dir / "backup");
  fill(builder);
  EXPECT_TRUE(builder.write().has_value());
  return dir / "backup";
}

fs::path blob_of(const fs::path& backup, const std::string& domain, const std::string& path) {
  const std::string id = sources::IosBackup::file_id(domain, path);
  return backup / id.substr(0, 2) / id;
}

std::vector<HostileCase> corpus() {
  std::vector<HostileCase> cases;
  const std::string sms_file = std::string(kSmsDomain) + "/" + kSmsPath;
  cases.push_back(
      {"zero_byte_sqlite",
       [](const fs::path& dir) { return backup_with(dir, [](auto& b) { b.add_file(kSmsDomain, kSmsPath, ""); }); },
       "ios check-backup",
       {sms_file, "unsupported schema: no table message", "Verdict: INCONCLUSIVE",
        "the sms artifact could not be read"}});
  cases.push_back({"truncated_sqlite",
                   [](const fs::path& dir) {
                     std::vector<std::string> rows;
                     for (int i = 1; i <= 400; ++i) rows.push_back(sms_row(i, "'hello " + std::to_string(i) + "'"));
                     auto image = testing::sqlite_from_script(sms_script(rows));
                     EXPECT_TRUE(image.has_value());
                     const std::string half = image->substr(0, image->size() / 2);
                     return backup_with(dir, [&half](auto& b) { b.add_file(kSmsDomain, kSmsPath, half); });
                   },
                   "ios check-backup",
                   {sms_file, "database disk image is malformed", "Verdict: INCONCLUSIVE"}});
  cases.push_back({"wrong_schema",
                   [](const fs::path& dir) {
                     return backup_with(dir, [](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath,
                                    "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, body TEXT);\n"
                                    "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);\n"
                                    "INSERT INTO message VALUES (1, 'hi');\n");
                     });
                   },
                   "ios check-backup",
                   {sms_file, "unsupported schema", "Verdict: INCONCLUSIVE"}});
  cases.push_back({"sqlite_is_a_directory",
                   [](const fs::path& dir) {
                     fs::path backup = backup_with(
                         dir, [](auto& b) { b.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'hi'")})); });
                     const fs::path blob = blob_of(backup, kSmsDomain, kSmsPath);
                     fs::remove(blob);
                     fs::create_directories(blob / "inside");
                     return backup;
                   },
                   "ios check-backup",
                   {sms_file, "is not a regular file (a folder, a link or a special file): a folder"}});
  cases.push_back({"oversized_value",
                   [](const fs::path& dir) {
                     // One SMS text of 17 MiB: over the 16 MiB a single SQLite value may take.
                     const std::string rows = sms_row(1, "'see https://example.org/' || hex(zeroblob(8912896))");
                     return backup_with(dir, [&rows](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath, sms_script({rows, sms_row(2, "'short one'")}));
                     });
                   },
                   "ios check-backup",
                   {sms_file, "damaged: message: cannot read rows: string or blob too big"}});
  cases.push_back({"very_long_line",
                   [](const fs::path& dir) {
                     // A 15 MiB unbroken token before a real Pegasus link: the link must still be found.
                     const std::string row = sms_row(1, "hex(zeroblob(7864320)) || ' https://smscentro.com/x'");
                     return backup_with(dir,
                                        [&row](auto& b) { b.add_sqlite(kSmsDomain, kSmsPath, sms_script({row})); });
                   },
                   "ios check-backup",
                   {"CRITICAL [sms] Found a known suspicious domain https://smscentro.com/x"}});
  cases.push_back({"non_utf8_everywhere",
                   [](const fs::path& dir) {
                     const std::string bad = "CAST(x'68c328fffe2f8041' AS TEXT)";
                     std::string script = sms_script({sms_row(1, bad + " || ' https://example.org/' || " + bad)});
                     script += "UPDATE message SET subject = " + bad + ", service = " + bad + ", account = " + bad +
                               ", guid = " + bad + ";\nUPDATE handle SET id = " + bad + ", country = " + bad + ";\n";
                     return backup_with(dir, [&script](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath, script);
                       b.info("Device Name", plist::Value{std::string("iPhone \xff\xfe")});
                     });
                   },
                   "ios check-backup",
                   {sms_file, "8 text value(s) in this artifact are not valid UTF-8", "*/Info.plist: 1 text value"}});
  cases.push_back({"garbage_plist",
                   [](const fs::path& dir) {
                     return backup_with(dir, [](auto& b) {
                       b.add_file("HomeDomain", kPreferencesPath, std::string("bplist00\xff\x13garbage\x00\x01", 19));
                     });
                   },
                   "ios check-backup",
                   {std::string("HomeDomain/") + kPreferencesPath, "binary plist is truncated"}});
  cases.push_back({"deep_binary_plist",
                   [](const fs::path& dir) {
                     return backup_with(
                         dir, [](auto& b) { b.add_file("HomeDomain", kPreferencesPath, nested_binary_plist(200000)); });
                   },
                   "ios check-backup",
                   {std::string("HomeDomain/") + kPreferencesPath, "property list nested deeper than the limit"}});
  cases.push_back({"deep_xml_plist",
                   [](const fs::path& dir) {
                     return backup_with(
                         dir, [](auto& b) { b.add_file("HomeDomain", kPreferencesPath, nested_xml_plist(200000)); });
                   },
                   "ios check-backup",
                   {std::string("HomeDomain/") + kPreferencesPath, "property list nested deeper than the limit"}});
  cases.push_back({"nskeyed_reference_cycle",
                   [](const fs::path& dir) {
                     return backup_with(dir, [](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'hi'")}));
                       b.add_raw_row("HomeDomain", "Library/Preferences/com.apple.cyclic.plist", cyclic_mbfile());
                     });
                   },
                   "ios check-backup",
                   {"HomeDomain/Library/Preferences/com.apple.cyclic.plist", "reference cycle"}});
  cases.push_back(
      {"archive_escaping_paths",
       [](const fs::path& dir) {
         fs::path file = dir / "sysdiagnose_2026.11.28_10-00-00+0100_iPhone-OS_iPhone_20A362.tar";
         write_tar(file,
                   {{"sysdiagnose_2026/ps.txt", "PID COMMAND\n1 launchd\n", ""},
                    {"../escaped-by-dotdot.txt", "written outside\n", ""},
                    {"/tmp/lumiere-escaped-absolute.txt", "absolute\n", ""},
                    {"sysdiagnose_2026/link", "", "../../../../etc/passwd"}},
                   false);
         return file;
       },
       "scan",
       {"sysdiagnose_2026.11.28", "'..' path", "../escaped-by-dotdot.txt", "pointing outside", "etc/passwd"},
       {"escaped-by-dotdot.txt", "../escaped-by-dotdot.txt"}});
  cases.push_back({"decompression_bomb",
                   [](const fs::path& dir) {
                     // 300 MiB of zeros in a ~300 KiB .tar.gz: a ratio of ~1000.
                     fs::path file = dir / "sysdiagnose_2026.11.28_10-00-00+0100_iPhone-OS_iPhone_20A362.tar.gz";
                     write_tar(file,
                               {{"sysdiagnose_2026/ps.txt", "PID COMMAND\n", ""},
                                {"sysdiagnose_2026/zeros.bin", std::string(300U << 20U, '\0'), ""},
                                {"sysdiagnose_2026/after.txt", "after\n", ""}},
                               true);
                     return file;
                   },
                   "scan",
                   {"sysdiagnose_2026.11.28", "over 100x its size (a possible decompression bomb)"}});
  // Issue #16: evidence that tries to pull the examiner's own files into the report.
  cases.push_back({"symlinked_blob",
                   [](const fs::path& dir) {
                     // sms.db with a Pegasus link, kept outside the backup; its blob is a link to it. Another blob
                     // links to /etc/passwd.
                     fs::path backup = backup_with(dir, [](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'see https://smscentro.com/x'")}));
                       b.add_file("HomeDomain", kPreferencesPath, "placeholder");
                     });
                     const fs::path blob = blob_of(backup, kSmsDomain, kSmsPath);
                     fs::create_directories(dir / "outside");
                     fs::rename(blob, dir / "outside" / "sms.db");
                     fs::create_symlink(dir / "outside" / "sms.db", blob);
                     const fs::path prefs = blob_of(backup, "HomeDomain", kPreferencesPath);
                     fs::remove(prefs);
                     fs::create_symlink("/etc/passwd", prefs);
                     return backup;
                   },
                   "ios check-backup",
                   {sms_file, "a symbolic link (-> ", "outside/sms.db): never followed",
                    std::string("HomeDomain/") + kPreferencesPath, "(-> /etc/passwd)"},
                   {},
                   "-H",
                   "",
                   [](int rc, const std::string& log, const fs::path& out) {
                     EXPECT_NE(rc, 1) << "an alert came from a file outside the backup";
                     EXPECT_EQ(log.find("CRITICAL [sms]"), std::string::npos);
                     EXPECT_EQ(log.find("root:"), std::string::npos) << "/etc/passwd was read";
                     EXPECT_FALSE(fs::exists(out / "sms_detected.json"));
                     const Json info = Json::parse(test::read_file(out / "info.json"));
                     ASSERT_TRUE(info.contains("refused")) << info.dump(2);
                     std::string refused = info["refused"].dump();
                     const std::string id = sources::IosBackup::file_id(kSmsDomain, kSmsPath);
                     EXPECT_NE(refused.find(id.substr(0, 2) + "/" + id), std::string::npos) << refused;
                     EXPECT_NE(refused.find("/etc/passwd"), std::string::npos) << refused;
                     for (const auto& hash : info["hashes"]) EXPECT_NE(hash["file_path"], id.substr(0, 2) + "/" + id);
                   }});
  // A view that never ends: MVT's ORDER BY over it would sort forever (spilling to /var/tmp before #16).
  cases.push_back(
      {"endless_recursive_view",
       [](const fs::path& dir) {
         return backup_with(dir, [](auto& b) {
           b.add_sqlite(kSmsDomain, kSmsPath,
                        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);\n"
                        "INSERT INTO handle VALUES (1, '+41791234567');\n"
                        "CREATE VIEW message AS WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
                        "SELECT n AS ROWID, 'guid-' || n AS guid, 'hello ' || n AS text, 1 AS handle_id, "
                        "-n AS date, 0 AS date_read, 0 AS is_from_me, 'SMS' AS service FROM r;\n");
           b.add_sqlite("HomeDomain", "Library/CallHistoryDB/CallHistory.storedata",
                        "CREATE TABLE ZCALLRECORD (Z_PK INTEGER PRIMARY KEY, ZDATE REAL, ZDURATION REAL, "
                        "ZADDRESS TEXT, ZSERVICE_PROVIDER TEXT);\n"
                        "INSERT INTO ZCALLRECORD VALUES (1, 680000000, 12, '+41791234567', 'com.apple.Telephony');\n");
         });
       },
       "ios check-backup",
       {sms_file, "module sms could not analyse this artifact", "query stopped after 2 s",
        "LUMIERE_SQLITE_QUERY_SECONDS"},
       {},
       "",
       std::string("LUMIERE_SQLITE_QUERY_SECONDS=2 ") + address_space_limit("2147483648"),
       [](int rc, const std::string& log, const fs::path& out) {
         EXPECT_TRUE(rc == 0 || rc == 3) << rc;
         EXPECT_TRUE(fs::exists(out / "calls.json")) << "the other modules' results are written";
         EXPECT_TRUE(fs::exists(out / "info.json"));
         EXPECT_EQ(log.find("salvag"), std::string::npos) << "a stopped query is not salvaged (it would run again)";
       }});
  // 1,999 columns (SQLite's limit is 2,000): MVT's message.* would copy every one into every record.
  cases.push_back({"two_thousand_columns",
                   [](const fs::path& dir) {
                     std::string script = sms_script({sms_row(1, "'hi'")});
                     script +=
                         "ALTER TABLE message RENAME TO old_message;\nCREATE TABLE message (ROWID INTEGER PRIMARY "
                         "KEY, guid TEXT, text TEXT, handle_id INTEGER, date INTEGER, date_read INTEGER, "
                         "is_from_me INTEGER, service TEXT";
                     for (int i = 0; i < 1990; ++i) script += ", pad" + std::to_string(i) + " TEXT";
                     script +=
                         ");\nINSERT INTO message (ROWID, guid, text, handle_id, service) VALUES (1, 'g', "
                         "'hi', 1, 'SMS');\n";
                     return backup_with(dir, [&script](auto& b) { b.add_sqlite(kSmsDomain, kSmsPath, script); });
                   },
                   "ios check-backup",
                   {sms_file, "too many columns"}});
  // One row of 80 MiB (five values of 16 MiB): over the per-record limit, skipped with a warning.
  cases.push_back({"oversized_row",
                   [](const fs::path& dir) {
                     std::string script = sms_script({sms_row(1, "'short one'"), sms_row(2, "'big one'")});
                     script +=
                         "UPDATE message SET subject = zeroblob(16000000), service_center = zeroblob(16000000), "
                         "attributedBody = zeroblob(16000000), account = zeroblob(16000000), account_guid = "
                         "zeroblob(16000000) WHERE ROWID = 2;\n";
                     return backup_with(dir, [&script](auto& b) { b.add_sqlite(kSmsDomain, kSmsPath, script); });
                   },
                   "ios check-backup",
                   {sms_file, "1 row(s) of over 64 MiB of text and data each were skipped"},
                   {},
                   "",
                   "",
                   [](int /*rc*/, const std::string& /*log*/, const fs::path& out) {
                     ASSERT_TRUE(fs::exists(out / "sms.json"));
                     EXPECT_LT(fs::file_size(out / "sms.json"), 1U << 20U) << "the big row was written";
                   }});
  // An encrypted backup whose Safari history needs a sort larger than SQLite's cache: the decrypted rows
  // must be sorted in memory, never spilled to a temporary file.
  cases.push_back(
      {"encrypted_large_sort",
       [](const fs::path& dir) {
         std::string script = test::read_file(test::tests_dir() / "fixtures/ios.safari_history/clean/History.sql");
         script +=
             "WITH RECURSIVE r(n) AS (SELECT 5 UNION ALL SELECT n + 1 FROM r WHERE n < 60000) "
             "INSERT INTO history_items (id, url, visit_count, daily_visit_counts, "
             "should_recompute_derived_visit_counts,"
             " visit_count_score, status_code) SELECT n, 'https://example.org/visited/' || n || '/' || "
             "hex(randomblob(24)),"
             " 1, X'01', 0, 20, 200 FROM r;\n"
             "INSERT INTO history_visits (history_item, visit_time, title) SELECT id, 700000000 + abs(random() % "
             "100000000), 'A page title of a realistic length, ' || hex(randomblob(20)) FROM history_items WHERE id >= "
             "5;\n";
         testing::IosBackupBuilder builder(dir / "backup");
         builder.encrypted(true).password("pw");
         builder.add_sqlite("HomeDomain", "Library/Safari/History.db", script);
         EXPECT_TRUE(builder.write().has_value());
         return dir / "backup";
       },
       "ios check-backup",
       {"Verdict:"},
       {},
       "-p pw",
       "",
       [](int rc, const std::string& log, const fs::path& out) {
         EXPECT_TRUE(rc == 0 || rc == 3) << rc << "\n" << log.substr(0, 3000);
         ASSERT_TRUE(fs::exists(out / "safari_history.json")) << log.substr(0, 4000);
         EXPECT_GT(fs::file_size(out / "safari_history.json"), 10U << 20U);
       }});
  // Sparse files: gigabytes by their size, kilobytes on disk. Read whole, they exhausted memory (exit 134).
  constexpr std::uintmax_t kSparseInfoBytes = 3584ULL << 20U;
  constexpr std::uintmax_t kSparseManifestBytes = 3994ULL << 20U;
  // 384 MiB of address space (RSS stays below it): a whole-file read of any of these would fail.
  const std::string small_address_space = address_space_limit("402653184");
  cases.push_back({"sparse_info_plist",
                   [](const fs::path& dir) {
                     fs::path backup = backup_with(dir, [](auto& b) {
                       b.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'see https://smscentro.com/x'")}));
                     });
                     fs::resize_file(backup / "Info.plist", kSparseInfoBytes);
                     return backup;
                   },
                   "ios check-backup",
                   {"Info.plist: module backup_info could not analyse this artifact: file of 3758096384 bytes, over "
                    "the 256 MiB read limit",
                    "CRITICAL [sms] Found a known suspicious domain"},
                   {},
                   "",
                   small_address_space});
  cases.push_back({"sparse_manifest_plist_encrypted",
                   [](const fs::path& dir) {
                     testing::IosBackupBuilder builder(dir / "backup");
                     builder.encrypted(true).password("pw");
                     builder.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'hi'")}));
                     EXPECT_TRUE(builder.write().has_value());
                     fs::resize_file(dir / "backup" / "Manifest.plist", kSparseManifestBytes);
                     return dir / "backup";
                   },
                   "ios check-backup",
                   {"Manifest.plist", "over the 256 MiB read limit"},
                   {},
                   "-p pw",
                   small_address_space,
                   {},
                   true});
  // Secret files that never end, or are not files: a message and exit 2 (before: endless growth, or an
  // uncaught std::__ios_failure).
  const auto encrypted_backup = [](const fs::path& dir) {
    testing::IosBackupBuilder builder(dir / "backup");
    builder.encrypted(true).password("pw");
    builder.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'hi'")}));
    EXPECT_TRUE(builder.write().has_value());
    return dir / "backup";
  };
  for (const auto& [name, option, needle] :
       {std::tuple{"password_file_dev_zero", "--password-file /dev/zero", "the password file is not a regular file"},
        std::tuple{"key_file_dev_zero", "-k /dev/zero", "the key file is not a regular file"},
        std::tuple{"password_file_folder", "--password-file /tmp",
                   "the password file is not a regular file (a folder)"},
        std::tuple{"password_file_too_large", "--password-file big.txt", "the password file is too large"}}) {
    cases.push_back({name,
                     [encrypted_backup](const fs::path& dir) {
                       test::write_file(dir / "big.txt", std::string(5000, 'p'));
                       return encrypted_backup(dir);
                     },
                     "ios check-backup",
                     {needle},
                     {},
                     option,
                     small_address_space,
                     {},
                     true});
  }
  // 5,000 junk members first (recognition used to stop there, silently), then a member climbing out.
  const auto junk_then = [](const fs::path& file, std::vector<ArchiveMember> tail) {
    std::vector<ArchiveMember> members;
    for (int i = 0; i < 5000; ++i) members.push_back({"junk/" + std::to_string(i) + ".txt", "x", ""});
    for (auto& member : tail) members.push_back(std::move(member));
    write_tar(file, members, false);
    return file;
  };
  cases.push_back({"junk_then_escape_unrecognised",
                   [junk_then](const fs::path& dir) {
                     return junk_then(dir / "evidence.tar", {{"../../escape", "out\n", ""}});
                   },
                   "scan",
                   {"not recognised as evidence", "../../escape", "absolute or '..' path"},
                   {"../escape", "../../escape"},
                   "",
                   "",
                   {},
                   true});
  cases.push_back({"junk_then_escape_and_dump",
                   [junk_then](const fs::path& dir) {
                     return junk_then(
                         dir / "evidence.tar",
                         {{"../../escape", "out\n", ""}, {"private/var/mobile/Library/Preferences/x.plist", "x", ""}});
                   },
                   "scan",
                   {"../../escape", "absolute or '..' path"},
                   {"../escape", "../../escape"}});
  // An indicator file whose one value is 50 MB: it used to be echoed whole to stderr and command.log.
  cases.push_back(
      {"fifty_megabyte_indicator_value",
       [](const fs::path& dir) {
         const std::string value = "https://" + std::string(50U << 20U, 'a') + "/";
         test::write_file(dir / "big.stix2",
                          R"({"type": "bundle", "id": "bundle--big", "objects": [{"type": "indicator", )"
                          R"("id": "indicator--big", "pattern_type": "stix", "pattern": "[domain-name:value = ')" +
                              value + R"(']"}]})");
         return backup_with(dir, [](auto& b) { b.add_sqlite(kSmsDomain, kSmsPath, sms_script({sms_row(1, "'hi'")})); });
       },
       "ios check-backup",
       {"indicator--big", "bytes in all)"},
       {},
       "-i big.stix2",
       "",
       [](int /*rc*/, const std::string& log, const fs::path& /*out*/) {
         std::size_t about_it = 0;
         std::istringstream lines(log);
         std::string line;
         while (std::getline(lines, line)) {
           if (line.find("aaaaaaaaaa") != std::string::npos) about_it += line.size() + 1;
         }
         EXPECT_LT(about_it, 4096U) << "bytes of log quoting the value";
         EXPECT_LT(log.size(), 64U << 10U) << "the whole log";
       }});
  return cases;
}

class HostileInput : public ::testing::TestWithParam<HostileCase> {};

// The name GoogleTest looks up to print a parameter.
void PrintTo(const HostileCase& c, std::ostream* os) {  // NOLINT(readability-identifier-naming)
  *os << c.name;
}

// Every *.json in `out` parses; every line of every *.jsonl parses.
void expect_valid_json(const fs::path& out) {
  std::size_t files = 0;
  for (const auto& entry : fs::recursive_directory_iterator(out)) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".json") {
      ++files;
      EXPECT_FALSE(Json::parse(test::read_file(entry.path()), nullptr, false).is_discarded())
          << entry.path() << " is not valid JSON";
    } else if (ext == ".jsonl") {
      std::istringstream lines(test::read_file(entry.path()));
      std::string line;
      while (std::getline(lines, line)) {
        EXPECT_FALSE(Json::parse(line, nullptr, false).is_discarded()) << entry.path() << ": " << line.substr(0, 200);
      }
    }
  }
  EXPECT_GT(files, 0U) << "no JSON output in " << out;
}

TEST_P(HostileInput, WarnsNamingTheFileAndTheProblemWritesOnlyItsOutput) {
  const HostileCase& c = GetParam();
  test::TempDir temp;
  const fs::path dir = temp / "case";
  fs::create_directories(dir);
  const fs::path evidence = c.make(dir);
  ASSERT_FALSE(::testing::Test::HasFailure()) << "building the case failed";
  fs::create_directories(temp / "tmp");
  // A temporary file created and deleted at once leaves the folder empty but changes its time.
  const auto tmp_time = fs::last_write_time(temp / "tmp");
  const fs::path out = temp / "out";
  std::string console;
  int rc_seen = -1;
  {
    const test::EvidenceGuard guard({dir, test::shared_iocs_dir()});
    const int rc = test::run_command("cd '" + dir.string() + "' && env TMPDIR='" + (temp / "tmp").string() +
                                         "' SQLITE_TMPDIR='" + (temp / "tmp").string() + "' XDG_DATA_HOME='" +
                                         (temp / "xdg").string() + "' LUMIERE_IOCS= " + c.prefix + " " +
                                         test::lumiere_binary().string() + " " + c.command + " -i '" +
                                         (test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/"
                                                                    "pegasus.stix2")
                                             .string() +
                                         "' -o '" + out.string() + "' " + c.options + " '" + evidence.string() + "'",
                                     &console);
    rc_seen = rc;
    EXPECT_TRUE(rc == 0 || rc == 1 || rc == 2 || rc == 3) << "exit " << rc << " (a crash?)\n"
                                                          << console.substr(0, 4000);
  }
  std::string log = console;
  if (fs::exists(out / "command.log")) log += test::read_file(out / "command.log");
  for (const auto& needle : c.must_name) {
    EXPECT_NE(log.find(needle), std::string::npos) << "no \"" << needle << "\" in:\n" << log.substr(0, 6000);
  }
  if (c.exits_early) {
    // Refused before anything is analysed: exit 2 with a message, no output folder needed.
    EXPECT_EQ(rc_seen, 2) << console.substr(0, 4000);
    if (!fs::exists(out)) fs::create_directories(out);
  } else {
    ASSERT_TRUE(fs::is_directory(out)) << console.substr(0, 4000);
    expect_valid_json(out);
  }
  EXPECT_TRUE(fs::is_empty(temp / "tmp")) << "files left in TMPDIR";
  EXPECT_EQ(fs::last_write_time(temp / "tmp"), tmp_time) << "a file was created in TMPDIR (and deleted)";
  // Nothing next to the evidence or the output: the temp folder holds exactly what the test made.
  std::set<std::string> top;
  for (const auto& entry : fs::directory_iterator(temp.path())) top.insert(entry.path().filename().string());
  top.erase("xdg");  // the IOC cache folder, when the tool makes one
  EXPECT_EQ(top, (std::set<std::string>{"case", "out", "tmp"}));
  for (const auto& escaped : c.escapes) {
    EXPECT_FALSE(fs::exists(dir / escaped)) << escaped << " was written";
  }
  EXPECT_FALSE(fs::exists("/tmp/lumiere-escaped-absolute.txt"));
  if (c.verify) c.verify(rc_seen, log, out);
}

INSTANTIATE_TEST_SUITE_P(Corpus, HostileInput, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<HostileCase>& param) { return param.param.name; });

}  // namespace
}  // namespace lumiere
