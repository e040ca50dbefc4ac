#include "sources/ios_backup.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <mutex>

#include "core/hash.hpp"
#include "core/nskeyed.hpp"
#include "sources/ios_keybag.hpp"

namespace lumiere::sources {
namespace {

// Whether Manifest.db answers the query every listing makes (the Files table with its columns, readable).
Result<void> listing_usable(const sqlite::Database& db) {
  if (auto ok = db.probe(); !ok) return ok;
  if (auto has = db.has_table("Files"); has && !*has) {
    return unexpected(ErrorCode::kUnsupported, "Manifest.db has no Files table (encrypted or damaged backup?)",
                      "Manifest.db");
  }
  auto stmt = db.prepare("SELECT fileID, domain, relativePath, flags, file FROM Files LIMIT 1");
  if (!stmt) return unexpected(ErrorCode::kCorrupt, "cannot list files: " + stmt.error().message, "Manifest.db");
  auto row = stmt->step();
  if (!row) return unexpected(ErrorCode::kCorrupt, "cannot list files: " + row.error().message, "Manifest.db");
  return {};
}

namespace fs = std::filesystem;

bool is_backup_dir(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "Manifest.db", ec) && fs::is_regular_file(dir / "Info.plist", ec);
}

constexpr std::uintmax_t kMaxBlobBytes = 4ULL * 1024ULL * 1024ULL * 1024ULL;

constexpr std::size_t kEncryptionKeyBytes = 4 + crypto::kWrappedKeyBytes;  // 4-byte LE class + wrapped key
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

bool starts_with_sqlite_magic(const Result<Fd>& file) {
  if (!file) return false;
  std::array<char, kSqliteMagic.size()> head{};
  const ssize_t n = ::pread(file->get(), head.data(), head.size(), 0);
  return n == static_cast<ssize_t>(head.size()) && std::string_view(head.data(), head.size()) == kSqliteMagic;
}

std::uint32_t le32(std::span<const std::uint8_t> bytes) {
  return std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8U) | (std::uint32_t{bytes[2]} << 16U) |
         (std::uint32_t{bytes[3]} << 24U);
}

// Streams an open file through `sink`, decrypting with `key` when given; its size is checked first.
Result<void> stream_file(const Fd& file, const std::string& display, const crypto::Key* key, std::uint64_t limit,
                         const ContentSink& sink) {
  auto size = file_size(file, display);
  if (!size) return std::move(size).error();
  // An encrypted file is its plaintext and up to one block of padding.
  const std::uint64_t allowed = key != nullptr ? limit + crypto::kAesBlockBytes : limit;
  if (*size > allowed) {
    return unexpected(ErrorCode::kLimitExceeded,
                      fmt::format("file of {} bytes, over the {} MiB read limit: not read", *size, limit >> 20U),
                      display);
  }
  if (key == nullptr) return stream_all(file, limit, display, sink);
  if (*size % crypto::kAesBlockBytes != 0) {
    return unexpected(ErrorCode::kCorrupt,
                      fmt::format("encrypted file of {} bytes, not a whole number of AES blocks: truncated or "
                                  "damaged",
                                  *size),
                      display);
  }
  crypto::CbcDecryptor decryptor(*key);
  std::vector<std::uint8_t> plain;
  auto status = stream_all(file, allowed, display, [&](std::span<const std::uint8_t> piece) -> Result<void> {
    plain.clear();
    if (auto ok = decryptor.update(piece, plain); !ok) return unexpected(ok.error().code, ok.error().message, display);
    return plain.empty() ? Result<void>{} : sink(plain);
  });
  if (status) {
    plain.clear();
    if (auto ok = decryptor.finish(plain); !ok) {
      status = unexpected(ok.error().code, ok.error().message, display);
    } else if (!plain.empty()) {
      status = sink(plain);
    }
  }
  crypto::wipe(plain.data(), plain.capacity());
  return status;
}

Result<std::vector<std::uint8_t>> collect(const std::function<Result<void>(const ContentSink&)>& produce) {
  std::vector<std::uint8_t> data;
  auto ok = produce([&data](std::span<const std::uint8_t> piece) -> Result<void> {
    data.insert(data.end(), piece.begin(), piece.end());
    return {};
  });
  if (!ok) {
    crypto::wipe(data);
    return ok.error();
  }
  return data;
}

// MVT turns '*' into SQL LIKE's '%'; LIKE's own '_' and '%' in real paths must then be escaped.
std::string like_pattern(std::string_view relative_path) {
  std::string out;
  for (const char c : relative_path) {
    if (c == '*') {
      out += '%';
    } else if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
      out += c;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

struct IosBackup::InfoCache {
  std::mutex mutex;
  std::optional<Result<std::shared_ptr<const plist::Value>>> info;
};

struct IosBackup::Keys {
  crypto::Key backup_key;
  ClassKeys class_keys;
  crypto::Key manifest_db_key;
};

BackupSecret BackupSecret::from_password(std::string password) {
  BackupSecret secret;
  secret.password_ = std::move(password);
  return secret;
}

BackupSecret BackupSecret::from_key(crypto::Key key) {
  BackupSecret secret;
  secret.key_ = std::move(key);
  return secret;
}

BackupSecret::~BackupSecret() {
  crypto::wipe(password_);
}

Result<IosBackup> IosBackup::open(const fs::path& path, const BackupSecret* secret) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return unexpected(ErrorCode::kNotFound, "no such file or folder", path.string());
  if (!fs::is_directory(path, ec)) {
    return unexpected(ErrorCode::kInvalidArgument, "an iOS backup is a folder (with Manifest.db and Info.plist)",
                      path.string());
  }
  IosBackup backup;
  if (is_backup_dir(path)) {
    backup.root_ = path;
  } else {
    std::vector<fs::path> candidates;
    for (const auto& entry : fs::directory_iterator(path, ec)) {
      if (entry.is_directory(ec) && is_backup_dir(entry.path())) candidates.push_back(entry.path());
    }
    if (candidates.size() != 1) {
      const bool has_manifest = fs::exists(path / "Manifest.db", ec);
      const bool has_info = fs::exists(path / "Info.plist", ec);
      std::string why = candidates.empty()
                            ? (has_manifest ? "Info.plist is missing"
                                            : (has_info ? "Manifest.db is missing"
                                                        : "no Manifest.db and Info.plist here or in a sub-folder"))
                            : fmt::format("{} sub-folders hold a backup; give the one to check", candidates.size());
      return unexpected(ErrorCode::kInvalidArgument, "not an iOS backup: " + why, path.string());
    }
    backup.root_ = candidates.front();
    backup.found_in_subfolder_ = true;
  }
  // The root is the examiner's choice and may be reached through a link; nothing below it is (no_follow.hpp).
  Fd root_fd(::open(backup.root_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd.valid()) {
    return unexpected(ErrorCode::kIo, std::string("cannot open the folder: ") + std::strerror(errno),
                      backup.root_.string());
  }
  backup.root_fd_ = std::make_shared<const Fd>(std::move(root_fd));
  backup.info_cache_ = std::make_shared<InfoCache>();
  bool flagged_encrypted = false;
  auto manifest_plist = backup.read_root_plist("Manifest.plist");
  if (manifest_plist) {
    if (const auto* flag = manifest_plist->find("IsEncrypted")) {
      if (const auto* b = flag->get_if<bool>()) flagged_encrypted = *b;
    }
  }
  const bool plain_manifest_db = starts_with_sqlite_magic(backup.open_in_backup("Manifest.db", "Manifest.db"));
  if (!manifest_plist && manifest_plist.error().code != ErrorCode::kNotFound && !plain_manifest_db) {
    // Without it an encrypted backup cannot be told from a damaged one: say why it is unreadable.
    return unexpected(manifest_plist.error().code,
                      "Manifest.plist cannot be read (" + manifest_plist.error().message +
                          "), and Manifest.db is not a plain SQLite database: the backup cannot be opened",
                      "Manifest.plist");
  }
  if (!plain_manifest_db && !fs::exists(backup.root_ / "Manifest.plist", ec)) {
    return unexpected(ErrorCode::kNotFound,
                      "Manifest.plist is missing and Manifest.db is not a plain SQLite database: an encrypted backup "
                      "cannot be opened without Manifest.plist (it holds the keybag); copy the whole backup folder",
                      (backup.root_ / "Manifest.plist").string());
  }
  backup.encrypted_ = flagged_encrypted && !plain_manifest_db;
  backup.decrypted_copy_ = flagged_encrypted && plain_manifest_db;
  if (backup.encrypted_ && secret != nullptr) {
    if (auto ok = backup.unlock(*secret); !ok) return ok.error();
  }
  if (!backup.encrypted_) {
    auto db = backup.open_evidence_database("Manifest.db", "Manifest.db");
    if (!db) {
      backup.manifest_error_ = std::move(db).error();
    } else if (auto usable = listing_usable(*db); !usable) {
      backup.manifest_error_ = std::move(usable).error();
    } else {
      backup.manifest_ = std::move(*db);
    }
  }
  return backup;
}

std::string IosBackup::file_id(std::string_view domain, std::string_view relative_path) {
  std::string key;
  key.reserve(domain.size() + relative_path.size() + 1);
  key.append(domain).append("-").append(relative_path);
  return hash::sha1_hex(key);
}

std::string IosBackup::blob_relative(std::string_view id) {
  if (id.size() != 40) return {};
  for (const char c : id) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return {};
  }
  return std::string(id.substr(0, 2)) + "/" + std::string(id);
}

fs::path IosBackup::blob_path(std::string_view id) const {
  const std::string relative = blob_relative(id);
  return relative.empty() ? fs::path{} : root_ / relative;
}

Result<Fd> IosBackup::open_in_backup(std::string_view relative, const std::string& display) const {
  if (relative.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID", display);
  return open_beneath(root_fd_->get(), relative, display);
}

Result<void> IosBackup::blob_status(const BackupFile& file) const {
  auto fd = open_in_backup(blob_relative(file.file_id), file.provenance());
  if (!fd) return std::move(fd).error();
  return {};
}

Result<sqlite::Database> IosBackup::open_evidence_database(std::string_view relative, std::string display) const {
  // The no-follow open shows that the path stays inside the backup; SQLite then opens it read-only by name.
  if (auto fd = open_in_backup(relative, display); !fd) return std::move(fd).error();
  return sqlite::Database::open_evidence(root_ / std::string(relative), std::move(display));
}

bool IosBackup::has_status_plist() const {
  return open_in_backup("Status.plist", "Status.plist").has_value();
}

const crypto::Key* IosBackup::backup_key() const {
  return keys_ ? &keys_->backup_key : nullptr;
}

Result<void> IosBackup::unlock(const BackupSecret& secret) {
  if (!encrypted_) {
    return unexpected(ErrorCode::kInvalidArgument, "the backup is not encrypted (Manifest.plist IsEncrypted)",
                      root_.string());
  }
  std::error_code ec;
  if (!fs::exists(root_ / "Manifest.plist", ec)) {
    return unexpected(ErrorCode::kNotFound, "Manifest.plist is missing: it holds the keybag of an encrypted backup",
                      (root_ / "Manifest.plist").string());
  }
  auto manifest_plist = read_root_plist("Manifest.plist");
  if (!manifest_plist) return std::move(manifest_plist).error();
  const auto* keybag_data = manifest_plist->find("BackupKeyBag");
  const auto* keybag_bytes = keybag_data != nullptr ? keybag_data->get_if<plist::Bytes>() : nullptr;
  if (keybag_bytes == nullptr) {
    return unexpected(ErrorCode::kUnsupported, "unsupported keybag: Manifest.plist has no BackupKeyBag",
                      "Manifest.plist");
  }
  auto keybag = Keybag::parse(*keybag_bytes);
  if (!keybag) return std::move(keybag).error();
  auto keys = std::make_shared<Keys>();
  keys->backup_key = secret.is_key() ? *secret.key() : keybag->derive_key(secret.password());
  auto class_keys = keybag->unlock(keys->backup_key);
  if (!class_keys) return std::move(class_keys).error();
  keys->class_keys = std::move(*class_keys);

  const auto* manifest_key_value = manifest_plist->find("ManifestKey");
  const auto* manifest_key = manifest_key_value != nullptr ? manifest_key_value->get_if<plist::Bytes>() : nullptr;
  if (manifest_key == nullptr) {
    return unexpected(ErrorCode::kUnsupported,
                      "Manifest.plist has no ManifestKey but Manifest.db is encrypted: an unknown backup format",
                      "Manifest.plist");
  }
  if (manifest_key->size() != kEncryptionKeyBytes) {
    return unexpected(ErrorCode::kCorrupt, fmt::format("ManifestKey of {} bytes (44 expected)", manifest_key->size()),
                      "Manifest.plist");
  }
  const std::span<const std::uint8_t> mk(*manifest_key);
  auto db_key = keys->class_keys.unwrap(le32(mk.first(4)), mk.subspan(4));
  if (!db_key) return unexpected(db_key.error().code, "ManifestKey: " + db_key.error().message, "Manifest.plist");
  keys->manifest_db_key = std::move(*db_key);
  keys_ = std::move(keys);
  auto image = manifest_db_bytes();
  if (!image) {
    manifest_error_ = std::move(image).error();
    return {};
  }
  auto db = sqlite::Database::open_image(std::move(*image), "Manifest.db");
  if (!db) {
    manifest_error_ = std::move(db).error();
  } else if (auto usable = listing_usable(*db); !usable) {
    // No Files table, a column missing, a damaged first page: as unusable as an unopenable file, so every
    // artifact at a fixed place is then found by its file ID (with a note) instead of nothing being read.
    manifest_error_ = std::move(usable).error();
  } else {
    manifest_ = std::move(*db);
  }
  return {};
}

Result<std::vector<std::uint8_t>> IosBackup::manifest_db_bytes() const {
  auto fd = open_in_backup("Manifest.db", "Manifest.db");
  if (!fd) return std::move(fd).error();
  if (!encrypted_) return read_all(*fd, kMaxBlobBytes, "Manifest.db");
  if (!keys_) return manifest().error();
  return collect([&](const ContentSink& sink) {
    return stream_file(*fd, "Manifest.db", &keys_->manifest_db_key, kMaxBlobBytes, sink);
  });
}

Result<const sqlite::Database*> IosBackup::manifest() const {
  if (encrypted_ && !keys_) {
    return unexpected(ErrorCode::kEncrypted,
                      "the backup is encrypted (Manifest.plist IsEncrypted); its password is needed to read it",
                      "Manifest.db");
  }
  if (manifest_) return &*manifest_;
  return *manifest_error_;
}

Result<std::vector<BackupFile>> IosBackup::query(std::optional<std::string_view> domain,
                                                 std::string_view relative_path) const {
  auto db = manifest();
  if (!db) {
    if (db.error().code == ErrorCode::kEncrypted || !domain || relative_path.find('*') != std::string_view::npos) {
      return std::move(db).error();
    }
    // Without a readable Manifest.db an exact artifact can still be found by its file ID.
    return find_by_file_id(*domain, relative_path);
  }
  const bool wildcard = relative_path.find('*') != std::string_view::npos;
  std::string sql = "SELECT fileID, domain, relativePath, flags, file FROM Files WHERE ";
  sql += wildcard ? "relativePath LIKE ?1 ESCAPE '\\'" : "relativePath = ?1";
  if (domain) sql += " AND domain = ?2";
  sql += " ORDER BY domain, relativePath";
  auto stmt = (*db)->prepare(sql);
  if (!stmt) return std::move(stmt).error();
  stmt->bind(1, wildcard ? like_pattern(relative_path) : std::string(relative_path));
  if (domain) stmt->bind(2, *domain);
  std::vector<BackupFile> files;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    files.push_back(BackupFile{row.text("fileID"), row.text("domain"), row.text("relativePath"), row.integer("flags"),
                               row.blob("file")});
  });
  if (!ok) return std::move(ok).error();
  return files;
}

std::vector<BackupFile> IosBackup::find_by_file_id(std::string_view domain, std::string_view relative_path) const {
  BackupFile file{file_id(domain, relative_path), std::string(domain), std::string(relative_path), 1, {}};
  // Found when something is stored under its ID; a link or special file is refused by whoever reads it.
  if (auto status = blob_status(file); status || status.error().code != ErrorCode::kNotFound) {
    return std::vector<BackupFile>{std::move(file)};
  }
  return {};
}

Result<BackupFile> IosBackup::find(std::string_view domain, std::string_view relative_path) const {
  auto files = query(domain, relative_path);
  if (!files) return std::move(files).error();
  const std::string display = std::string(domain) + "/" + std::string(relative_path);
  if (files->empty()) return unexpected(ErrorCode::kNotFound, "not in the backup", display);
  for (auto& file : *files) {
    if (blob_status(file)) return std::move(file);
  }
  return unexpected(ErrorCode::kNotFound, "listed in Manifest.db but its file is missing from the backup", display);
}

Result<plist::Value> IosBackup::file_metadata(const BackupFile& file) const {
  if (!file.metadata.empty()) return plist::decode_mbfile(file.metadata, file.provenance());
  auto db = manifest();
  if (!db) return std::move(db).error();
  auto stmt = (*db)->prepare("SELECT file FROM Files WHERE fileID = ?1");
  if (!stmt) return std::move(stmt).error();
  stmt->bind(1, file.file_id);
  auto row = stmt->step();
  if (!row) return std::move(row).error();
  if (!*row) return unexpected(ErrorCode::kNotFound, "not listed in Manifest.db", file.provenance());
  return plist::decode_mbfile(stmt->blob("file"), file.provenance());
}

Result<void> IosBackup::read_stream(const BackupFile& file, const ContentSink& sink) const {
  return read_stream(file, kMaxBlobBytes, sink);
}

Result<void> IosBackup::read_stream(const BackupFile& file, std::uint64_t limit, const ContentSink& sink) const {
  const std::string relative = blob_relative(file.file_id);
  if (relative.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  auto fd = open_in_backup(relative, file.provenance());
  if (!fd) return std::move(fd).error();
  if (!encrypted_) return stream_file(*fd, file.provenance(), nullptr, limit, sink);
  if (!keys_) return manifest().error();
  auto mbfile = file_metadata(file);
  if (!mbfile) {
    return unexpected(mbfile.error().code == ErrorCode::kNotFound ? ErrorCode::kNotFound : ErrorCode::kCorrupt,
                      "cannot read the file's metadata (its encryption key): " + mbfile.error().message,
                      file.provenance());
  }
  const auto* key_value = mbfile->find("EncryptionKey");
  if (key_value == nullptr || key_value->is_null()) return stream_file(*fd, file.provenance(), nullptr, limit, sink);
  const auto* wrapped = key_value->get_if<plist::Bytes>();
  if (wrapped == nullptr || wrapped->size() != kEncryptionKeyBytes) {
    return unexpected(ErrorCode::kCorrupt, "the file's EncryptionKey is not 44 bytes of data", file.provenance());
  }
  const std::span<const std::uint8_t> ek(*wrapped);
  std::uint32_t protection_class = le32(ek.first(4));
  if (const auto* pc = mbfile->find("ProtectionClass")) {
    if (const auto* value = pc->get_if<std::int64_t>()) protection_class = static_cast<std::uint32_t>(*value);
  }
  auto key = keys_->class_keys.unwrap(protection_class, ek.subspan(4));
  if (!key) return unexpected(key.error().code, key.error().message, file.provenance());
  return stream_file(*fd, file.provenance(), &*key, limit, sink);
}

Result<std::vector<std::uint8_t>> IosBackup::read(const BackupFile& file) const {
  return read(file, kMaxBlobBytes);
}

Result<std::vector<std::uint8_t>> IosBackup::read(const BackupFile& file, std::uint64_t limit) const {
  if (!encrypted_) {
    const std::string relative = blob_relative(file.file_id);
    if (relative.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
    auto fd = open_in_backup(relative, file.provenance());
    if (!fd) return std::move(fd).error();
    return read_all(*fd, limit, file.provenance());
  }
  return collect([&](const ContentSink& sink) { return read_stream(file, limit, sink); });
}

Result<plist::Value> IosBackup::read_plist(const BackupFile& file) const {
  auto data = read(file, plist::kMaxInputBytes);
  if (!data) return std::move(data).error();
  return plist::parse(*data, file.provenance());
}

Result<sqlite::Database> IosBackup::open_database(const BackupFile& file) const {
  const std::string relative = blob_relative(file.file_id);
  if (relative.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  if (encrypted_) {
    // Decrypted into memory and opened from there: no plaintext touches the disk.
    auto image = read(file);
    if (!image) return std::move(image).error();
    return sqlite::Database::open_image(std::move(*image), file.provenance());
  }
  return open_evidence_database(relative, file.provenance());
}

Result<plist::Value> IosBackup::read_root_plist(std::string_view name) const {
  const std::string display(name);
  auto fd = open_in_backup(display, display);
  if (!fd) return std::move(fd).error();
  auto data = read_all(*fd, plist::kMaxInputBytes, display);
  if (!data) return std::move(data).error();
  return plist::parse(*data, display);
}

}  // namespace lumiere::sources

namespace lumiere::sources {

Result<std::shared_ptr<const plist::Value>> IosBackup::info_plist() const {
  const std::lock_guard lock(info_cache_->mutex);
  if (!info_cache_->info) {
    auto value = read_root_plist("Info.plist");
    if (value) {
      info_cache_->info = std::make_shared<const plist::Value>(std::move(*value));
    } else {
      info_cache_->info = Result<std::shared_ptr<const plist::Value>>(std::move(value).error());
    }
  }
  return *info_cache_->info;
}

}  // namespace lumiere::sources
