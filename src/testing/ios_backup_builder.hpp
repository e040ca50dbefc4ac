// Writes a realistic iTunes/Finder backup folder: Info.plist, Manifest.plist, Status.plist, Manifest.db
// (Files + Properties tables, MBFile NSKeyedArchiver blobs shaped like iOS 15's) and the file blobs at
// <root>/<id[0:2]>/<id>. Used by the tests, the benchmarks and `lumiere demo`. Never used on evidence.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/crypto.hpp"
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

// An MBFile archive blob, as iOS writes in Manifest.db `file`. With `encryption_key` (4-byte LE protection
// class + 40-byte wrapped file key) it carries the EncryptionKey field as an NSMutableData object, like an
// encrypted backup's.
plist::Bytes mbfile_blob(const std::string& relative_path, std::int64_t size, const FileMeta& meta,
                         std::int64_t flags = 1, const std::optional<plist::Bytes>& encryption_key = std::nullopt);

// The password of encrypted fixture backups unless one is given.
inline constexpr const char* kDefaultBackupPassword = "fixture password 1";

// How an encrypted fixture backup derives its key. iOS uses 10,000,000 DPIC rounds and 10,000 ITER; tests
// use low counts so that they stay fast (one case uses the real ones).
struct KeyDerivation {
  std::uint32_t dpic = 1000;      // PBKDF2-HMAC-SHA256 rounds (DPIC), iOS >= 10.2
  std::uint32_t iterations = 10;  // PBKDF2-HMAC-SHA1 rounds (ITER)
  bool double_derivation = true;  // false: an older backup's keybag without DPSL/DPIC
};

// A backup keybag (Manifest.plist BackupKeyBag): header tags VERS, TYPE, UUID, HMCK, WRAP, SALT, ITER (and
// DPWT, DPIC, DPSL with double derivation), then one UUID/CLAS/WRAP/KTYP/WPKY record per class key, each
// wrapped (RFC 3394) with `backup_key`.
plist::Bytes build_keybag(const KeyDerivation& derivation, const plist::Bytes& salt, const plist::Bytes& dpsl,
                          const crypto::Key& backup_key,
                          const std::vector<std::pair<std::uint32_t, crypto::Key>>& class_keys);

// Info.plist of an iPhone 12 on iOS 15.5 with realistic keys (and a few MVT ignores).
plist::Dict default_info_plist();

class IosBackupBuilder {
 public:
  explicit IosBackupBuilder(std::filesystem::path root);

  // Overrides or adds one Info.plist key; a null value removes it.
  IosBackupBuilder& info(const std::string& key, plist::Value value);
  // Encrypted as iTunes/Finder do (spec §6.2): a keybag derived from the password, wrapped class keys, an
  // encrypted Manifest.db (ManifestKey) and every file encrypted with its own key (MBFile EncryptionKey).
  IosBackupBuilder& encrypted(bool is_encrypted);
  IosBackupBuilder& password(std::string password);
  IosBackupBuilder& key_derivation(KeyDerivation derivation);
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

  [[nodiscard]] Result<void> write_manifest_and_files(const std::map<std::uint32_t, crypto::Key>& class_keys) const;

  std::filesystem::path root_;
  plist::Dict info_;
  bool encrypted_ = false;
  std::string password_ = kDefaultBackupPassword;
  KeyDerivation derivation_;
  std::vector<Entry> entries_;
};

// Builds a SQLite database image from an SQL script (in memory; nothing touches the disk).
Result<std::string> sqlite_from_script(const std::string& sql_script);

}  // namespace lumiere::testing
