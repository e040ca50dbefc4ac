#include "sources/ios_backup.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

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

Result<std::vector<std::uint8_t>> read_whole_file(const fs::path& file, const std::string& display) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return unexpected(ErrorCode::kNotFound, "file not found", display);
  if (size > kMaxBlobBytes) return unexpected(ErrorCode::kLimitExceeded, "file too large", display);
  std::ifstream in(file, std::ios::binary);
  if (!in) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), display);
  std::vector<std::uint8_t> data(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (static_cast<std::uintmax_t>(in.gcount()) != size) return unexpected(ErrorCode::kIo, "short read", display);
  return data;
}

constexpr std::size_t kStreamChunkBytes = std::size_t{1} << 20U;
constexpr std::size_t kEncryptionKeyBytes = 4 + crypto::kWrappedKeyBytes;  // 4-byte LE class + wrapped key
constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};

bool starts_with_sqlite_magic(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::array<char, kSqliteMagic.size()> head{};
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  return in.gcount() == static_cast<std::streamsize>(head.size()) &&
         std::string_view(head.data(), head.size()) == kSqliteMagic;
}

std::uint32_t le32(std::span<const std::uint8_t> bytes) {
  return std::uint32_t{bytes[0]} | (std::uint32_t{bytes[1]} << 8U) | (std::uint32_t{bytes[2]} << 16U) |
         (std::uint32_t{bytes[3]} << 24U);
}

// Streams a file through `sink`, decrypting with `key` when given.
Result<void> stream_file(const fs::path& file, const std::string& display, const crypto::Key* key,
                         const ContentSink& sink) {
  std::error_code ec;
  const auto size = fs::file_size(file, ec);
  if (ec) return unexpected(ErrorCode::kNotFound, "file not found", display);
  if (size > kMaxBlobBytes) return unexpected(ErrorCode::kLimitExceeded, "file too large", display);
  std::ifstream in(file, std::ios::binary);
  if (!in) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), display);
  std::optional<crypto::CbcDecryptor> decryptor;
  if (key != nullptr) {
    if (size % crypto::kAesBlockBytes != 0) {
      return unexpected(ErrorCode::kCorrupt,
                        fmt::format("encrypted file of {} bytes, not a whole number of AES blocks: truncated or "
                                    "damaged",
                                    size),
                        display);
    }
    decryptor.emplace(*key);
  }
  std::vector<std::uint8_t> chunk(static_cast<std::size_t>(std::min<std::uintmax_t>(size, kStreamChunkBytes)));
  std::vector<std::uint8_t> plain;
  std::uintmax_t done = 0;
  Result<void> status;
  while (done < size && status) {
    const auto want = static_cast<std::size_t>(std::min<std::uintmax_t>(size - done, chunk.size()));
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(want));
    if (static_cast<std::size_t>(in.gcount()) != want) {
      status = unexpected(ErrorCode::kIo, "short read", display);
      break;
    }
    done += want;
    const std::span<const std::uint8_t> piece(chunk.data(), want);
    if (!decryptor) {
      status = sink(piece);
      continue;
    }
    plain.clear();
    if (auto ok = decryptor->update(piece, plain); !ok) {
      status = unexpected(ok.error().code, ok.error().message, display);
    } else if (!plain.empty()) {
      status = sink(plain);
    }
  }
  if (status && decryptor) {
    plain.clear();
    if (auto ok = decryptor->finish(plain); !ok) {
      status = unexpected(ok.error().code, ok.error().message, display);
    } else if (!plain.empty()) {
      status = sink(plain);
    }
  }
  if (decryptor) crypto::wipe(plain.data(), plain.capacity());
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
  bool flagged_encrypted = false;
  if (auto manifest_plist = backup.read_root_plist("Manifest.plist")) {
    if (const auto* flag = manifest_plist->find("IsEncrypted")) {
      if (const auto* b = flag->get_if<bool>()) flagged_encrypted = *b;
    }
  }
  const bool plain_manifest_db = starts_with_sqlite_magic(backup.root_ / "Manifest.db");
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
    auto db = sqlite::Database::open_evidence(backup.root_ / "Manifest.db", "Manifest.db");
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

fs::path IosBackup::blob_path(std::string_view id) const {
  if (id.size() != 40) return {};
  for (const char c : id) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    if (!hex) return {};
  }
  return root_ / std::string(id.substr(0, 2)) / std::string(id);
}

bool IosBackup::has_status_plist() const {
  std::error_code ec;
  return fs::is_regular_file(root_ / "Status.plist", ec);
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
  if (!encrypted_) return read_whole_file(root_ / "Manifest.db", "Manifest.db");
  if (!keys_) return manifest().error();
  return collect([&](const ContentSink& sink) {
    return stream_file(root_ / "Manifest.db", "Manifest.db", &keys_->manifest_db_key, sink);
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
  std::error_code ec;
  if (fs::is_regular_file(blob_path(file.file_id), ec)) return std::vector<BackupFile>{std::move(file)};
  return {};
}

Result<BackupFile> IosBackup::find(std::string_view domain, std::string_view relative_path) const {
  auto files = query(domain, relative_path);
  if (!files) return std::move(files).error();
  const std::string display = std::string(domain) + "/" + std::string(relative_path);
  if (files->empty()) return unexpected(ErrorCode::kNotFound, "not in the backup", display);
  std::error_code ec;
  for (auto& file : *files) {
    if (fs::is_regular_file(blob_path(file.file_id), ec)) return std::move(file);
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
  const auto path = blob_path(file.file_id);
  if (path.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  if (!encrypted_) return stream_file(path, file.provenance(), nullptr, sink);
  if (!keys_) return manifest().error();
  auto mbfile = file_metadata(file);
  if (!mbfile) {
    return unexpected(mbfile.error().code == ErrorCode::kNotFound ? ErrorCode::kNotFound : ErrorCode::kCorrupt,
                      "cannot read the file's metadata (its encryption key): " + mbfile.error().message,
                      file.provenance());
  }
  const auto* key_value = mbfile->find("EncryptionKey");
  if (key_value == nullptr || key_value->is_null()) return stream_file(path, file.provenance(), nullptr, sink);
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
  return stream_file(path, file.provenance(), &*key, sink);
}

Result<std::vector<std::uint8_t>> IosBackup::read(const BackupFile& file) const {
  if (!encrypted_) {
    const auto path = blob_path(file.file_id);
    if (path.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
    return read_whole_file(path, file.provenance());
  }
  return collect([&](const ContentSink& sink) { return read_stream(file, sink); });
}

Result<plist::Value> IosBackup::read_plist(const BackupFile& file) const {
  auto data = read(file);
  if (!data) return std::move(data).error();
  return plist::parse(*data, file.provenance());
}

Result<sqlite::Database> IosBackup::open_database(const BackupFile& file) const {
  const auto path = blob_path(file.file_id);
  if (path.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  if (encrypted_) {
    // Decrypted into memory and opened from there: no plaintext touches the disk.
    auto image = read(file);
    if (!image) return std::move(image).error();
    return sqlite::Database::open_image(std::move(*image), file.provenance());
  }
  return sqlite::Database::open_evidence(path, file.provenance());
}

Result<plist::Value> IosBackup::read_root_plist(std::string_view name) const {
  const std::string display(name);
  auto data = read_whole_file(root_ / display, display);
  if (!data) return std::move(data).error();
  return plist::parse(*data, display);
}

}  // namespace lumiere::sources
