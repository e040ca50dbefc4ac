// An iTunes/Finder backup folder: Info.plist, Manifest.plist, Status.plist, Manifest.db and the file blobs
// at <root>/<id[0:2]>/<id>, where id = SHA-1("<domain>-<relativePath>"). Read-only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "sources/evidence_file.hpp"
#include "sources/no_follow.hpp"

namespace lumiere::sources {

// A backup file: its file ID, domain, relative path, flags and MBFile blob (sources/evidence_file.hpp).
using BackupFile = EvidenceFile;

// What opens an encrypted backup: its password (UTF-8 bytes as typed) or its derived 32-byte key (what
// `extract-key` prints). The password is wiped from memory when this dies.
class BackupSecret {
 public:
  static BackupSecret from_password(std::string password);
  static BackupSecret from_key(crypto::Key key);
  ~BackupSecret();
  BackupSecret(const BackupSecret& other) = default;
  BackupSecret& operator=(const BackupSecret& other) = default;
  BackupSecret(BackupSecret&& other) noexcept = default;
  BackupSecret& operator=(BackupSecret&& other) noexcept = default;

  [[nodiscard]] bool is_key() const { return key_.has_value(); }
  [[nodiscard]] const std::string& password() const { return password_; }
  [[nodiscard]] const std::optional<crypto::Key>& key() const { return key_; }

 private:
  BackupSecret() = default;
  std::string password_;
  std::optional<crypto::Key> key_;
};

class IosBackup {
 public:
  // Spec §2.3: `path` itself when it holds Manifest.db and Info.plist; else its single sub-folder that does
  // (a backup copied with its UDID folder); else an error saying what is missing. With a secret, an
  // encrypted backup is unlocked at once (see unlock()).
  static Result<IosBackup> open(const std::filesystem::path& path, const BackupSecret* secret = nullptr);

  // Spec §6.2: derives the backup key (unless the secret is the key), unlocks the keybag's class keys,
  // decrypts Manifest.db into memory. Errors: kInvalidArgument (not encrypted), kNotFound (Manifest.plist
  // missing), kUnsupported (keybag), kWrongPassword, kCorrupt (ManifestKey or Manifest.db damaged).
  [[nodiscard]] Result<void> unlock(const BackupSecret& secret);
  [[nodiscard]] bool unlocked() const { return keys_ != nullptr; }
  // The derived backup key once unlocked (extract-key), else nullptr.
  [[nodiscard]] const crypto::Key* backup_key() const;
  // Manifest.plist says IsEncrypted but Manifest.db is plain SQLite: a decrypted copy (MVT's and our
  // decrypt-backup keep Manifest.plist as it was); read as a plain backup.
  [[nodiscard]] bool decrypted_copy() const { return decrypted_copy_; }
  [[nodiscard]] bool has_status_plist() const;

  [[nodiscard]] const std::filesystem::path& root() const { return root_; }
  [[nodiscard]] bool found_in_subfolder() const { return found_in_subfolder_; }
  // Manifest.plist "IsEncrypted" and a Manifest.db that is not plain SQLite.
  [[nodiscard]] bool encrypted() const { return encrypted_; }

  static std::string file_id(std::string_view domain, std::string_view relative_path);
  // <root>/<id[0:2]>/<id>; empty when the id is not 40 hex digits (no path escapes the backup).
  [[nodiscard]] std::filesystem::path blob_path(std::string_view file_id) const;
  // "<id[0:2]>/<id>", or empty as blob_path.
  static std::string blob_relative(std::string_view file_id);
  // A file of the backup (`relative` to its root), opened without following any link (sources/no_follow.hpp):
  // kNotFound, or kCorrupt naming a link's target or a special file.
  [[nodiscard]] Result<Fd> open_in_backup(std::string_view relative, const std::string& display) const;
  // Whether the file's blob is a regular file that can be opened (the error of open_in_backup otherwise).
  [[nodiscard]] Result<void> blob_status(const BackupFile& file) const;

  // Manifest.db, opened read-only (fails with kEncrypted for an encrypted backup).
  [[nodiscard]] Result<const sqlite::Database*> manifest() const;
  // Files rows with that relative path (a '*' matches any run of characters, '/' included, as MVT's LIKE)
  // and, when given, that domain. Without Manifest.db: the file ID of an exact domain+path, if its blob exists.
  [[nodiscard]] Result<std::vector<BackupFile>> query(std::optional<std::string_view> domain,
                                                      std::string_view relative_path) const;
  // An exact domain + relative path found without Manifest.db: by its file ID (SHA-1 of "domain-path"),
  // when the backup holds a regular file under that ID. Empty otherwise.
  [[nodiscard]] std::vector<BackupFile> find_by_file_id(std::string_view domain, std::string_view relative_path) const;
  // The first existing file for an exact domain + relative path.
  [[nodiscard]] Result<BackupFile> find(std::string_view domain, std::string_view relative_path) const;

  // File content, decrypted in memory for an encrypted backup (the file's MBFile EncryptionKey unwrapped with
  // its ProtectionClass key; AES-256-CBC, PKCS#7 padding removed; files without EncryptionKey are clear).
  // At most 4 GiB (kLimitExceeded, from the size on disk, before anything is read).
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const BackupFile& file) const;
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const BackupFile& file, std::uint64_t limit) const;
  // The same, streamed in pieces (decrypt-backup: large files never held whole).
  [[nodiscard]] Result<void> read_stream(const BackupFile& file, const ContentSink& sink) const;
  [[nodiscard]] Result<void> read_stream(const BackupFile& file, std::uint64_t limit, const ContentSink& sink) const;
  // The decoded MBFile of a file (its Manifest.db `file` blob; looked up by file ID when `file` has none).
  [[nodiscard]] Result<plist::Value> file_metadata(const BackupFile& file) const;
  // Manifest.db as bytes: decrypted for an encrypted backup, as on disk otherwise.
  [[nodiscard]] Result<std::vector<std::uint8_t>> manifest_db_bytes() const;
  [[nodiscard]] Result<plist::Value> read_plist(const BackupFile& file) const;
  // Opened read-only, not yet probed: a damaged file still opens so that its readable part can be salvaged.
  // An encrypted backup's database is decrypted into memory and opened from there.
  [[nodiscard]] Result<sqlite::Database> open_database(const BackupFile& file) const;
  // Root plists (Info.plist, Manifest.plist, Status.plist), at most plist::kMaxInputBytes.
  [[nodiscard]] Result<plist::Value> read_root_plist(std::string_view name) const;
  // Info.plist, read and parsed once however many modules ask (thread-safe).
  [[nodiscard]] Result<std::shared_ptr<const plist::Value>> info_plist() const;

 private:
  IosBackup() = default;
  [[nodiscard]] Result<sqlite::Database> open_evidence_database(std::string_view relative, std::string display) const;

  std::filesystem::path root_;
  std::shared_ptr<const Fd> root_fd_;
  struct InfoCache;
  std::shared_ptr<InfoCache> info_cache_;
  bool found_in_subfolder_ = false;
  bool encrypted_ = false;
  bool decrypted_copy_ = false;
  struct Keys;
  std::shared_ptr<const Keys> keys_;
  std::optional<sqlite::Database> manifest_;
  std::optional<Error> manifest_error_;
};

}  // namespace lumiere::sources
