// Evidence sources (sources/source.hpp): globs, the backup-to-filesystem mapping, WAL replay in memory, and
// hostile folders and archives. Every refusal must be a warning naming the file; nothing outside the evidence
// is read and nothing is written next to it.
#include <fmt/core.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <tuple>

#include "core/sqlite.hpp"
#include "core/sqlite_wal.hpp"
#include "sources/archive_source.hpp"
#include "sources/directory_source.hpp"
#include "sources/ios_paths.hpp"
#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere::test {
namespace {

namespace fs = std::filesystem;
using sources::ArchiveSource;
using sources::DirectorySource;
using Type = ArchiveMember::Type;

bool any_contains(const std::vector<std::string>& lines, std::string_view a, std::string_view b = "") {
  return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) {
    return l.find(a) != std::string::npos && l.find(b) != std::string::npos;
  });
}

std::string all(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

TEST(GlobMatch, PythonGlobComponents) {
  using sources::glob_match;
  EXPECT_TRUE(glob_match("private/var/mobile/Library/SMS/sms.db", "private/var/mobile/Library/SMS/sms.db"));
  EXPECT_TRUE(glob_match("a/*/c.db", "a/UUID-1/c.db"));
  EXPECT_FALSE(glob_match("a/*/c.db", "a/x/y/c.db"));  // '*' stays within one component
  EXPECT_TRUE(glob_match("a/**/c.db", "a/x/y/c.db"));
  EXPECT_TRUE(glob_match("a/**/c.db", "a/c.db"));
  EXPECT_TRUE(glob_match("x/profile-*", "x/profile-abc.stub"));
  EXPECT_FALSE(glob_match("x/*", "x/.hidden"));
  EXPECT_TRUE(glob_match("x/.*", "x/.hidden"));
  EXPECT_FALSE(glob_match("a/b", "a/b/c"));
}

TEST(IosPaths, DomainsHaveTheirFilesystemPlaces) {
  using sources::ios_paths::domain_folder;
  EXPECT_EQ(domain_folder("HomeDomain"), "private/var/mobile/");
  EXPECT_EQ(domain_folder("RootDomain"), "private/var/root/");
  EXPECT_EQ(domain_folder("SystemPreferencesDomain"), "private/var/preferences/");
  EXPECT_EQ(domain_folder("WirelessDomain"), "private/var/wireless/");
  EXPECT_EQ(domain_folder("AppDomain-com.google.chrome.ios"), "private/var/mobile/Containers/Data/Application/*/");
  EXPECT_EQ(domain_folder("AppDomainGroup-group.net.whatsapp.WhatsApp.shared"),
            "private/var/mobile/Containers/Shared/AppGroup/*/");
  EXPECT_EQ(domain_folder("NoSuchDomain"), std::nullopt);
  EXPECT_EQ(sources::ios_paths::location_globs("HomeDomain", "Library/SMS/sms.db", ""),
            std::vector<std::string>{"private/var/mobile/Library/SMS/sms.db"});
  ASSERT_TRUE(sources::ios_paths::module_globs("safari_history"));
  EXPECT_EQ(sources::ios_paths::module_globs("safari_history")->size(), 4U);
}

TEST(IosPaths, FindsTheDumpRoot) {
  using sources::ios_paths::find_dump_root;
  auto top = find_dump_root({"private/var/mobile/Library/SMS/sms.db", "README"});
  ASSERT_TRUE(top);
  EXPECT_EQ(top->prefix, "");
  EXPECT_FALSE(top->var_at_top);
  auto wrapped = find_dump_root({"notes.txt", "filesystem1/private/var/mobile/x"});
  ASSERT_TRUE(wrapped);
  EXPECT_EQ(wrapped->prefix, "filesystem1/");
  auto var = find_dump_root({"dump/var/mobile/Library/x"});
  ASSERT_TRUE(var);
  EXPECT_EQ(var->prefix, "dump/");
  EXPECT_TRUE(var->var_at_top);
  EXPECT_FALSE(find_dump_root({"a/b/c/d/private/var/mobile/x"}));  // deeper than two wrapping folders
}

// A database in WAL mode whose last rows are only in its -wal (copied while the writer still holds it).
void make_wal_database(const fs::path& folder, const std::string& name) {
  const fs::path scratch = folder.parent_path() / "scratch";
  fs::create_directories(scratch);
  auto db = sqlite::Database::create(scratch / "w.db");
  ASSERT_TRUE(db);
  ASSERT_TRUE(
      db->exec("PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; CREATE TABLE t(x); "
               "INSERT INTO t VALUES (1);"));
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (2); INSERT INTO t VALUES (3);"));
  fs::create_directories(folder);
  fs::copy_file(scratch / "w.db", folder / name);
  fs::copy_file(scratch / "w.db-wal", folder / (name + "-wal"));
  fs::remove_all(scratch);
}

std::int64_t count_rows(const sqlite::Database& db) {
  auto stmt = db.prepare("SELECT count(*) AS n FROM t");
  EXPECT_TRUE(stmt);
  EXPECT_TRUE(stmt->step());
  return stmt->integer("n");
}

// The one database at `path` opens with the rows its WAL holds.
void expect_three_rows(const sources::Source& source, const std::string& path) {
  std::vector<sources::SourceNote> notes;
  auto files = source.glob(path, notes);
  ASSERT_TRUE(files);
  ASSERT_EQ(files->size(), 1U);
  auto db = source.open_database(files->front());
  ASSERT_TRUE(db) << db.error().describe();
  EXPECT_EQ(count_rows(*db), 3);
}

TEST(SqliteWal, ReplayedInMemory) {
  TempDir temp;
  make_wal_database(temp / "db", "w.db");
  std::string image = read_file(temp / "db" / "w.db");
  const std::string wal = read_file(temp / "db" / "w.db-wal");
  std::vector<std::uint8_t> bytes(image.begin(), image.end());
  const std::vector<std::uint8_t> wal_bytes(wal.begin(), wal.end());
  auto frames = sqlite::apply_wal(bytes, wal_bytes, "w.db-wal");
  ASSERT_TRUE(frames) << frames.error().describe();
  EXPECT_GT(*frames, 0U);
  auto db = sqlite::Database::open_image(bytes, "w.db");
  ASSERT_TRUE(db);
  EXPECT_EQ(count_rows(*db), 3);
  // A damaged WAL header is refused, and the image is left as it was.
  std::vector<std::uint8_t> bad = wal_bytes;
  bad[24] ^= 0xFFU;
  std::vector<std::uint8_t> untouched(image.begin(), image.end());
  EXPECT_FALSE(sqlite::apply_wal(untouched, bad, "w.db-wal"));
  EXPECT_EQ(untouched, std::vector<std::uint8_t>(image.begin(), image.end()));
}

TEST(DirectorySourceTest, WalBesideADatabaseIsReplayedWithoutWritingNextToIt) {
  TempDir temp;
  make_wal_database(temp / "tree" / "private" / "var" / "mobile" / "Library", "w.db");
  const EvidenceGuard guard({temp / "tree"});
  auto source = DirectorySource::open(temp / "tree");
  ASSERT_TRUE(source);
  expect_three_rows(**source, "private/var/mobile/Library/w.db");
}

TEST(ArchiveSourceTest, WalMemberIsReplayedInMemory) {
  TempDir temp;
  make_wal_database(temp / "tree" / "private" / "var" / "mobile", "w.db");
  write_archive(temp / "dump.tar.gz", ArchiveFormat::kTarGz, tree_members(temp / "tree"));
  fs::remove_all(temp / "tree");
  const EvidenceGuard guard({temp.path()});
  auto source = ArchiveSource::open(temp / "dump.tar.gz");
  ASSERT_TRUE(source);
  expect_three_rows(**source, "private/var/mobile/w.db");
}

TEST(DirectorySourceTest, FifoAndLinksAreRefusedNeverOpened) {
  TempDir temp;
  const fs::path tree = temp / "dump";
  const fs::path lib = tree / "filesystem1" / "private" / "var" / "mobile" / "Library";
  fs::create_directories(lib / "SMS");
  fs::create_directories(lib / "TCC");
  write_file(lib / "ok.txt", "inside");
  write_file(temp / "outside.db", "secret outside the evidence");
  fs::create_directories(temp / "outside_dir" / "Safari");
  write_file(temp / "outside_dir" / "Safari" / "History.db", "outside");
  // A FIFO where sms.db should be: opening it for reading would block forever.
  ASSERT_EQ(::mkfifo((lib / "SMS" / "sms.db").c_str(), 0600), 0);
  fs::create_symlink(temp / "outside.db", lib / "TCC" / "TCC.db");
  fs::create_directory_symlink(temp / "outside_dir", lib / "Safari_link");
  const EvidenceGuard guard({temp.path()});

  auto source = DirectorySource::open(tree);
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_EQ((*source)->root_prefix(), "filesystem1/");
  const auto warnings = (*source)->listing_warnings();
  EXPECT_TRUE(any_contains(warnings, "SMS/sms.db", "FIFO")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "TCC/TCC.db", "symbolic link")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "Safari_link", "symbolic link")) << all(warnings);

  std::vector<sources::SourceNote> notes;
  auto sms = (*source)->glob("private/var/mobile/Library/SMS/sms.db", notes);
  ASSERT_TRUE(sms);
  EXPECT_TRUE(sms->empty());
  auto tcc = (*source)->glob("private/var/mobile/Library/TCC/TCC.db", notes);
  ASSERT_TRUE(tcc);
  EXPECT_TRUE(tcc->empty());
  ASSERT_EQ(notes.size(), 2U);
  EXPECT_EQ(notes[0].path, "private/var/mobile/Library/SMS/sms.db");
  EXPECT_NE(notes[0].message.find("never opened"), std::string::npos);
  EXPECT_EQ(notes[1].path, "private/var/mobile/Library/TCC/TCC.db");
  EXPECT_NE(notes[1].message.find("never followed"), std::string::npos);
  // Nothing under the linked folder is listed, and a direct read of a refused file is an error.
  std::vector<std::string> listed;
  ASSERT_TRUE((*source)->for_each_file([&](const sources::EvidenceFile& f) { listed.push_back(f.relative_path); }));
  EXPECT_EQ(listed, std::vector<std::string>{"private/var/mobile/Library/ok.txt"});
  const sources::EvidenceFile refused{"", "", "private/var/mobile/Library/TCC/TCC.db", 1, {}};
  EXPECT_FALSE((*source)->read(refused));
  auto ok = (*source)->read(sources::EvidenceFile{"", "", "private/var/mobile/Library/ok.txt", 1, {}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::string(ok->begin(), ok->end()), "inside");
}

// Through a module: sms.db replaced by a link to a copy outside the dump, TCC.db by a FIFO. Each module
// reports its artifact missing with a warning naming the file; the outside copy is never read.
TEST(DirectorySourceTest, ModulesWarnAboutRefusedArtifacts) {
  const auto sms_cases = fixture_cases("ios.sms");
  const auto tcc_cases = fixture_cases("ios.tcc");
  ASSERT_FALSE(sms_cases.empty());
  ASSERT_FALSE(tcc_cases.empty());
  TempDir temp;
  const fs::path tree = temp / "tree";
  build_tree_from_spec(sms_cases.front(), tree);
  const fs::path sms = tree / "private/var/mobile/Library/SMS/sms.db";
  fs::rename(sms, temp / "outside.db");
  fs::create_symlink(temp / "outside.db", sms);
  fs::create_directories(tree / "private/var/mobile/Library/TCC");
  ASSERT_EQ(::mkfifo((tree / "private/var/mobile/Library/TCC/TCC.db").c_str(), 0600), 0);
  const EvidenceGuard guard({temp.path()});
  auto source = DirectorySource::open(tree);
  ASSERT_TRUE(source);
  for (const auto& [fixture, path, why] :
       {std::tuple{sms_cases.front(), "private/var/mobile/Library/SMS/sms.db", "never followed"},
        std::tuple{tcc_cases.front(), "private/var/mobile/Library/TCC/TCC.db", "never opened"}}) {
    const Json out = run_fixture_on_source(fixture, **source);
    EXPECT_EQ(out["status"], "artifact missing") << out.dump(2);
    EXPECT_TRUE(out["results"].is_null()) << out.dump(2);
    bool named = false;
    for (const auto& w : out["warnings"]) {
      named = named || (w["path"] == path && w["message"].get<std::string>().find(why) != std::string::npos);
    }
    EXPECT_TRUE(named) << out.dump(2);
  }
}

TEST(ArchiveSourceTest, HostileMembersAreRefusedWithAWarning) {
  TempDir temp;
  const fs::path file = temp / "hostile.tar";
  write_archive(file, ArchiveFormat::kTar,
                {{"private/var/mobile/Library/ok.txt", "inside", Type::kFile, ""},
                 {"../escape.txt", "climbs out", Type::kFile, ""},
                 {"/etc/absolute.txt", "absolute", Type::kFile, ""},
                 {"private/var/mobile/Library/SMS/sms.db", "", Type::kSymlink, "../../../../../../etc/passwd"},
                 {"private/var/mobile/Library/TCC/TCC.db", "", Type::kHardlink, "/etc/shadow"},
                 {"private/var/mobile/Library/pipe", "", Type::kFifo, ""}});
  const EvidenceGuard guard({temp.path()});
  auto source = ArchiveSource::open(file);
  ASSERT_TRUE(source) << source.error().describe();
  const auto warnings = (*source)->listing_warnings();
  EXPECT_TRUE(any_contains(warnings, "../escape.txt", "'..' path")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "/etc/absolute.txt", "absolute")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "SMS/sms.db", "symbolic link")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "TCC/TCC.db", "hard link")) << all(warnings);
  EXPECT_TRUE(any_contains(warnings, "pipe", "special file")) << all(warnings);

  std::vector<sources::SourceNote> notes;
  auto sms = (*source)->glob("private/var/mobile/Library/SMS/sms.db", notes);
  ASSERT_TRUE(sms);
  EXPECT_TRUE(sms->empty());
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_NE(notes[0].message.find("never followed"), std::string::npos);
  std::vector<std::string> listed;
  ASSERT_TRUE((*source)->for_each_file([&](const sources::EvidenceFile& f) { listed.push_back(f.relative_path); }));
  EXPECT_EQ(listed, std::vector<std::string>{"private/var/mobile/Library/ok.txt"});
  EXPECT_FALSE((*source)->read(sources::EvidenceFile{"", "", "../escape.txt", 1, {}}));
  EXPECT_FALSE((*source)->read(sources::EvidenceFile{"", "", "private/var/mobile/Library/TCC/TCC.db", 1, {}}));
  auto ok = (*source)->read(sources::EvidenceFile{"", "", "private/var/mobile/Library/ok.txt", 1, {}});
  ASSERT_TRUE(ok);
  EXPECT_EQ(std::string(ok->begin(), ok->end()), "inside");
}

// A tar whose last member's header declares more bytes than the archive holds.
TEST(ArchiveSourceTest, ALyingSizeIsRefused) {
  TempDir temp;
  const fs::path file = temp / "lying.tar";
  write_archive(file, ArchiveFormat::kTar,
                {{"private/var/mobile/a.txt", "first", Type::kFile, ""},
                 {"private/var/mobile/Library/SMS/sms.db", std::string(600, 'x'), Type::kFile, ""}});
  std::string tar = read_file(file);
  // Find the second header (ustar magic at 257 of each header) and raise its size field (offset 124, octal).
  std::size_t header = tar.find("private/var/mobile/Library/SMS/sms.db");
  ASSERT_NE(header, std::string::npos);
  const std::string size = "00000100000";  // 32768 bytes, far more than the archive holds
  std::copy(size.begin(), size.end(), tar.begin() + static_cast<std::ptrdiff_t>(header + 124));
  std::fill(tar.begin() + static_cast<std::ptrdiff_t>(header + 148),
            tar.begin() + static_cast<std::ptrdiff_t>(header + 156), ' ');
  unsigned sum = 0;
  for (std::size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(tar[header + i]);
  const std::string checksum = fmt::format("{:06o}", sum);
  std::copy(checksum.begin(), checksum.end(), tar.begin() + static_cast<std::ptrdiff_t>(header + 148));
  tar[header + 154] = '\0';
  // The archive ends where the real data did: the declared size lies.
  tar.resize(header + 512 + 1024);
  write_file(file, tar);
  const EvidenceGuard guard({temp.path()});

  auto source = ArchiveSource::open(file);
  ASSERT_TRUE(source) << source.error().describe();
  auto read = (*source)->read(sources::EvidenceFile{"", "", "private/var/mobile/Library/SMS/sms.db", 1, {}});
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error().path, "private/var/mobile/Library/SMS/sms.db");
  EXPECT_EQ(read.error().code, ErrorCode::kCorrupt) << read.error().describe();
  EXPECT_TRUE(any_contains((*source)->listing_warnings(), "damaged")) << all((*source)->listing_warnings());
}

TEST(ArchiveSourceTest, ADecompressionBombStopsTheListingWithAWarning) {
  TempDir temp;
  const fs::path file = temp / "bomb.tar.gz";
  write_archive(file, ArchiveFormat::kTarGz,
                {{"private/var/mobile/a.txt", "before", Type::kFile, ""},
                 {"private/var/mobile/zeros.bin", std::string(16U << 20U, '\0'), Type::kFile, ""},
                 {"private/var/mobile/after.txt", "after", Type::kFile, ""}});
  ArchiveSource::Limits limits;
  limits.min_budget = 1U << 20U;
  limits.max_ratio = 10;
  auto source = ArchiveSource::open(file, limits);
  ASSERT_TRUE(source) << source.error().describe();
  EXPECT_TRUE(any_contains((*source)->listing_warnings(), "zeros.bin", "decompression bomb"))
      << all((*source)->listing_warnings());
  std::vector<std::string> listed;
  ASSERT_TRUE((*source)->for_each_file([&](const sources::EvidenceFile& f) { listed.push_back(f.relative_path); }));
  EXPECT_EQ(listed, std::vector<std::string>{"private/var/mobile/a.txt"});
}

TEST(ArchiveSourceTest, TheMemberLimitIsReported) {
  TempDir temp;
  std::vector<ArchiveMember> members;
  for (int i = 0; i < 6; ++i) members.push_back({fmt::format("private/var/mobile/f{}", i), "x", Type::kFile, ""});
  write_archive(temp / "many.zip", ArchiveFormat::kZip, members);
  ArchiveSource::Limits limits;
  limits.max_members = 3;
  auto source = ArchiveSource::open(temp / "many.zip", limits);
  ASSERT_TRUE(source);
  EXPECT_TRUE(any_contains((*source)->listing_warnings(), "member limit")) << all((*source)->listing_warnings());
}

TEST(ArchiveSourceTest, NotAnArchiveIsAClearError) {
  TempDir temp;
  write_file(temp / "garbage.zip", "this is not an archive at all");
  auto source = ArchiveSource::open(temp / "garbage.zip");
  ASSERT_FALSE(source);
  EXPECT_NE(source.error().path.find("garbage.zip"), std::string::npos);
}

}  // namespace
}  // namespace lumiere::test
