#include "sources/ios_backup.hpp"

#include <fmt/core.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "core/hash.hpp"

namespace lumiere::sources {
namespace {

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

std::string BackupFile::provenance() const {
  return domain + "/" + relative_path;
}

Result<IosBackup> IosBackup::open(const fs::path& path) {
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
  if (auto manifest_plist = backup.read_root_plist("Manifest.plist")) {
    if (const auto* flag = manifest_plist->find("IsEncrypted")) {
      if (const auto* b = flag->get_if<bool>()) backup.encrypted_ = *b;
    }
  }
  if (!backup.encrypted_) {
    auto db = sqlite::Database::open_evidence(backup.root_ / "Manifest.db", "Manifest.db");
    if (db && db->probe()) {
      backup.manifest_ = std::move(*db);
    } else {
      backup.manifest_error_ = db ? db->probe().error() : db.error();
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

Result<const sqlite::Database*> IosBackup::manifest() const {
  if (encrypted_) {
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
    BackupFile file{file_id(*domain, relative_path), std::string(*domain), std::string(relative_path), 1, {}};
    std::error_code ec;
    if (fs::is_regular_file(blob_path(file.file_id), ec)) return std::vector<BackupFile>{std::move(file)};
    return std::vector<BackupFile>{};
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
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    files.push_back(BackupFile{stmt->text("fileID"), stmt->text("domain"), stmt->text("relativePath"),
                               stmt->integer("flags"), stmt->blob("file")});
  }
  return files;
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

Result<std::vector<std::uint8_t>> IosBackup::read(const BackupFile& file) const {
  const auto path = blob_path(file.file_id);
  if (path.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  return read_whole_file(path, file.provenance());
}

Result<plist::Value> IosBackup::read_plist(const BackupFile& file) const {
  auto data = read(file);
  if (!data) return std::move(data).error();
  return plist::parse(*data, file.provenance());
}

Result<sqlite::Database> IosBackup::open_database(const BackupFile& file) const {
  const auto path = blob_path(file.file_id);
  if (path.empty()) return unexpected(ErrorCode::kCorrupt, "invalid file ID " + file.file_id, file.provenance());
  return sqlite::Database::open_evidence(path, file.provenance());
}

Result<plist::Value> IosBackup::read_root_plist(std::string_view name) const {
  const std::string display(name);
  auto data = read_whole_file(root_ / display, display);
  if (!data) return std::move(data).error();
  return plist::parse(*data, display);
}

}  // namespace lumiere::sources
