// Writes a realistic iTunes/Finder backup folder: Info.plist, Manifest.plist, Status.plist, Manifest.db
// (Files + Properties tables, MBFile NSKeyedArchiver blobs shaped like iOS 15's) and the file blobs at
// <root>/<id[0:2]>/<id>. Used by the tests, the benchmarks and `lumiere demo`. Never used on evidence.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::testing {

struct FileMeta {
  std::int64_t birth = 1657000000;  // Unix seconds
  std::int64_t last_modified = 1657000000;
  std::int64_t last_status_change = 1657000000;
  std::int64_t mode = 0100644;
  std::int64_t user_id = 501;
  std::int64_t protection_class = 3;
};

// A plain MBFile archive blob, as iOS writes in Manifest.db `file`.
plist::Bytes mbfile_blob(const std::string& relative_path, std::int64_t size, const FileMeta& meta,
                         std::int64_t flags = 1);

// Info.plist of an iPhone 12 on iOS 15.5 with realistic keys (and a few MVT ignores).
plist::Dict default_info_plist();

class IosBackupBuilder {
 public:
  explicit IosBackupBuilder(std::filesystem::path root);

  // Overrides or adds one Info.plist key; a null value removes it.
  IosBackupBuilder& info(const std::string& key, plist::Value value);
  IosBackupBuilder& encrypted(bool is_encrypted);
  IosBackupBuilder& add_file(std::string domain, std::string relative_path, std::string content, FileMeta meta = {});
  IosBackupBuilder& add_directory(std::string domain, std::string relative_path, FileMeta meta = {});
  // A SQLite database built from an SQL script (the fixture's reviewable text form).
  IosBackupBuilder& add_sqlite(std::string domain, std::string relative_path, const std::string& sql_script,
                               FileMeta meta = {});
  // A Manifest.db row whose `file` blob is the given bytes (malformed-metadata cases).
  IosBackupBuilder& add_raw_row(std::string domain, std::string relative_path, plist::Bytes blob);

  // Writes everything. Fails if root exists and is not empty.
  [[nodiscard]] Result<void> write() const;
  [[nodiscard]] const std::filesystem::path& root() const { return root_; }

 private:
  struct Entry {
    std::string domain;
    std::string relative_path;
    std::int64_t flags = 1;
    std::optional<std::string> content;
    std::optional<plist::Bytes> raw_blob;
    FileMeta meta;
  };

  std::filesystem::path root_;
  plist::Dict info_;
  bool encrypted_ = false;
  std::vector<Entry> entries_;
};

// Builds a SQLite database image from an SQL script (in memory; nothing touches the disk).
Result<std::string> sqlite_from_script(const std::string& sql_script);

}  // namespace lumiere::testing
