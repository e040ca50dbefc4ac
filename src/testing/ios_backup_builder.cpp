#include "testing/ios_backup_builder.hpp"

#include <algorithm>
#include <fstream>
#include <stdexcept>

#include "core/sqlite.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kFlagFile = 1;
constexpr std::int64_t kFlagDirectory = 2;

plist::Value keyed_archive(plist::Array objects) {
  return plist::Dict{{"$version", std::int64_t{100000}},
                     {"$archiver", "NSKeyedArchiver"},
                     {"$top", plist::Dict{{"root", plist::Uid{1}}}},
                     {"$objects", std::move(objects)}};
}

Result<void> write_bytes(const fs::path& file, const plist::Bytes& data) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (!out) return unexpected(ErrorCode::kIo, "cannot write", file.string());
  return {};
}

Result<void> write_plist(const fs::path& file, const plist::Value& value, plist::Format format) {
  auto bytes = plist::serialize(value, format);
  if (!bytes) return std::move(bytes).error();
  return write_bytes(file, *bytes);
}

}  // namespace

plist::Bytes mbfile_blob(const std::string& relative_path, std::int64_t size, const FileMeta& meta,
                         std::int64_t flags) {
  plist::Dict mbfile{{"LastModified", meta.last_modified},
                     {"Flags", std::int64_t{0}},
                     {"GroupID", meta.user_id},
                     {"LastStatusChange", meta.last_status_change},
                     {"Birth", meta.birth},
                     {"$class", plist::Uid{3}},
                     {"RelativePath", plist::Uid{2}},
                     {"InodeNumber", std::int64_t{424242}},
                     {"Mode", flags == kFlagDirectory ? std::int64_t{040755} : meta.mode},
                     {"ProtectionClass", meta.protection_class},
                     {"UserID", meta.user_id},
                     {"Size", size}};
  plist::Array objects{"$null", std::move(mbfile), relative_path,
                       plist::Dict{{"$classname", "MBFile"}, {"$classes", plist::Array{"MBFile", "NSObject"}}}};
  auto bytes = plist::serialize(keyed_archive(std::move(objects)), plist::Format::kBinary);
  return bytes ? std::move(*bytes) : plist::Bytes{};
}

plist::Dict default_info_plist() {
  return plist::Dict{
      {"Applications", plist::Dict{}},
      {"Build Version", "19F77"},
      {"Device Name", "Alex's iPhone"},
      {"Display Name", "Alex's iPhone"},
      {"GUID", "4C1F3E2A9B7D4E6F8A0B1C2D3E4F5A6B"},
      {"ICCID", "8941000000000000000"},
      {"IMEI", "356700000000000"},
      {"Installed Applications",
       plist::Array{"com.apple.mobilesafari", "net.whatsapp.WhatsApp", "com.google.chrome.ios"}},
      {"Last Backup Date", plist::Date{678000000.0}},
      {"MEID", "35670000000000"},
      {"Phone Number", "+41 79 000 00 00"},
      {"Product Name", "iPhone 12"},
      {"Product Type", "iPhone13,2"},
      {"Product Version", "15.5"},
      {"Serial Number", "F2LZX0000000"},
      {"Target Identifier", "00008101-000A1B2C3D4E001E"},
      {"Target Type", "Device"},
      {"Unique Identifier", "00008101-000A1B2C3D4E001E"},
      {"iTunes Files", plist::Dict{}},
      {"iTunes Settings", plist::Dict{}},
      {"iTunes Version", "12.12.4.1"},
  };
}

IosBackupBuilder::IosBackupBuilder(fs::path root) : root_(std::move(root)), info_(default_info_plist()) {}

IosBackupBuilder& IosBackupBuilder::info(const std::string& key, plist::Value value) {
  auto it = std::find_if(info_.begin(), info_.end(), [&](const auto& kv) { return kv.first == key; });
  if (value.is_null()) {
    if (it != info_.end()) info_.erase(it);
  } else if (it != info_.end()) {
    it->second = std::move(value);
  } else {
    info_.emplace_back(key, std::move(value));
  }
  return *this;
}

IosBackupBuilder& IosBackupBuilder::encrypted(bool is_encrypted) {
  encrypted_ = is_encrypted;
  return *this;
}

IosBackupBuilder& IosBackupBuilder::add_file(std::string domain, std::string relative_path, std::string content,
                                             FileMeta meta) {
  entries_.push_back(Entry{std::move(domain), std::move(relative_path), kFlagFile, std::move(content), {}, meta});
  return *this;
}

IosBackupBuilder& IosBackupBuilder::add_directory(std::string domain, std::string relative_path, FileMeta meta) {
  entries_.push_back(Entry{std::move(domain), std::move(relative_path), kFlagDirectory, {}, {}, meta});
  return *this;
}

IosBackupBuilder& IosBackupBuilder::add_sqlite(std::string domain, std::string relative_path,
                                               const std::string& sql_script, FileMeta meta) {
  auto image = sqlite_from_script(sql_script);
  if (!image) throw std::runtime_error("fixture SQL does not build: " + image.error().describe());
  return add_file(std::move(domain), std::move(relative_path), std::move(*image), meta);
}

IosBackupBuilder& IosBackupBuilder::add_raw_row(std::string domain, std::string relative_path, plist::Bytes blob) {
  entries_.push_back(Entry{std::move(domain), std::move(relative_path), kFlagFile, {}, std::move(blob), {}});
  return *this;
}

Result<std::string> sqlite_from_script(const std::string& sql_script) {
  auto scratch = sqlite::Database::create(":memory:");
  if (!scratch) return std::move(scratch).error();
  if (auto ok = scratch->exec(sql_script); !ok) return ok.error();
  auto image = scratch->serialize();
  if (!image) return std::move(image).error();
  return std::string(image->begin(), image->end());
}

Result<void> IosBackupBuilder::write() const {
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) return unexpected(ErrorCode::kIo, "cannot create folder: " + ec.message(), root_.string());
  if (!fs::is_empty(root_, ec)) return unexpected(ErrorCode::kInvalidArgument, "folder is not empty", root_.string());

  if (auto ok = write_plist(root_ / "Info.plist", plist::Value(info_), plist::Format::kXml); !ok) return ok;
  const plist::Dict lockdown{{"BuildVersion", "19F77"},        {"DeviceName", "Alex's iPhone"},
                             {"ProductType", "iPhone13,2"},    {"ProductVersion", "15.5"},
                             {"SerialNumber", "F2LZX0000000"}, {"UniqueDeviceID", "00008101-000A1B2C3D4E001E"}};
  const plist::Dict manifest_plist{{"Applications", plist::Dict{}},  {"Date", plist::Date{678000000.0}},
                                   {"IsEncrypted", encrypted_},      {"Lockdown", lockdown},
                                   {"SystemDomainsVersion", "24.0"}, {"Version", "10.0"},
                                   {"WasPasscodeSet", true}};
  if (auto ok = write_plist(root_ / "Manifest.plist", plist::Value(manifest_plist), plist::Format::kBinary); !ok) {
    return ok;
  }
  const plist::Dict status{{"BackupState", "new"},
                           {"Date", plist::Date{678000000.0}},
                           {"IsFullBackup", false},
                           {"SnapshotState", "finished"},
                           {"UUID", "6F0B2C1E-3D4A-4B5C-8D9E-0F1A2B3C4D5E"},
                           {"Version", "3.3"}};
  if (auto ok = write_plist(root_ / "Status.plist", plist::Value(status), plist::Format::kBinary); !ok) return ok;

  auto db = sqlite::Database::create(root_ / "Manifest.db");
  if (!db) return std::move(db).error();
  if (auto ok = db->exec("CREATE TABLE Files (fileID TEXT PRIMARY KEY, domain TEXT, relativePath TEXT, flags INTEGER, "
                         "file BLOB);"
                         "CREATE INDEX FilesDomainIdx ON Files(domain);"
                         "CREATE INDEX FilesRelativePathIdx ON Files(relativePath);"
                         "CREATE INDEX FilesFlagsIdx ON Files(flags);"
                         "CREATE TABLE Properties (key TEXT PRIMARY KEY, value BLOB);"
                         "BEGIN;");
      !ok) {
    return ok;
  }
  auto insert =
      db->prepare("INSERT INTO Files (fileID, domain, relativePath, flags, file) VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert) return std::move(insert).error();
  for (const auto& entry : entries_) {
    const std::string id = sources::IosBackup::file_id(entry.domain, entry.relative_path);
    const auto size = entry.content ? static_cast<std::int64_t>(entry.content->size()) : 0;
    const plist::Bytes blob =
        entry.raw_blob ? *entry.raw_blob : mbfile_blob(entry.relative_path, size, entry.meta, entry.flags);
    insert->bind(1, id).bind(2, entry.domain).bind(3, entry.relative_path).bind(4, entry.flags).bind_blob(5, blob);
    if (auto step = insert->step(); !step) return std::move(step).error();
    if (auto reset = insert->reset(); !reset) return reset;
    if (entry.content) {
      const fs::path dir = root_ / id.substr(0, 2);
      fs::create_directories(dir, ec);
      const plist::Bytes data(entry.content->begin(), entry.content->end());
      if (auto ok = write_bytes(dir / id, data); !ok) return ok;
    }
  }
  return db->exec("COMMIT;");
}

}  // namespace lumiere::testing
