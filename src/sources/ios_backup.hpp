// An iTunes/Finder backup folder: Info.plist, Manifest.plist, Status.plist, Manifest.db and the file blobs
// at <root>/<id[0:2]>/<id>, where id = SHA-1("<domain>-<relativePath>"). Read-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/plist.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::sources {

struct BackupFile {
  std::string file_id;
  std::string domain;
  std::string relative_path;
  std::int64_t flags = 0;              // 1 file, 2 directory, 4 symlink
  std::vector<std::uint8_t> metadata;  // the Manifest.db `file` blob (NSKeyedArchiver MBFile)

  // "<domain>/<relativePath>": where the record came from, as an analyst names it.
  [[nodiscard]] std::string provenance() const;
};

class IosBackup {
 public:
  // Spec §2.3: `path` itself when it holds Manifest.db and Info.plist; else its single sub-folder that does
  // (a backup copied with its UDID folder); else an error saying what is missing.
  static Result<IosBackup> open(const std::filesystem::path& path);

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] bool found_in_subfolder() const { return found_in_subfolder_; }
  // Manifest.plist "IsEncrypted".
  [[nodiscard]] bool encrypted() const { return encrypted_; }

  static std::string file_id(std::string_view domain, std::string_view relative_path);
  // <root>/<id[0:2]>/<id>; empty when the id is not 40 hex digits (no path escapes the backup).
  [[nodiscard]] std::filesystem::path blob_path(std::string_view file_id) const;

  // Manifest.db, opened read-only (fails with kEncrypted for an encrypted backup).
  [[nodiscard]] Result<const sqlite::Database*> manifest() const;
  // Files rows with that relative path (a '*' matches any run of characters, '/' included, as MVT's LIKE)
  // and, when given, that domain. Without Manifest.db: the file ID of an exact domain+path, if its blob exists.
  [[nodiscard]] Result<std::vector<BackupFile>> query(std::optional<std::string_view> domain,
                                                      std::string_view relative_path) const;
  // The first existing file for an exact domain + relative path.
  [[nodiscard]] Result<BackupFile> find(std::string_view domain, std::string_view relative_path) const;

  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const BackupFile& file) const;
  [[nodiscard]] Result<plist::Value> read_plist(const BackupFile& file) const;
  // Opened read-only, not yet probed: a damaged file still opens so that its readable part can be salvaged.
  [[nodiscard]] Result<sqlite::Database> open_database(const BackupFile& file) const;
  // Root plists (Info.plist, Manifest.plist, Status.plist).
  [[nodiscard]] Result<plist::Value> read_root_plist(std::string_view name) const;

 private:
  IosBackup() = default;

  std::filesystem::path root_;
  bool found_in_subfolder_ = false;
  bool encrypted_ = false;
  std::optional<sqlite::Database> manifest_;
  std::optional<Error> manifest_error_;
};

}  // namespace lumiere::sources
