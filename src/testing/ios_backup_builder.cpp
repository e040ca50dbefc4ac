#include "testing/ios_backup_builder.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <map>
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

constexpr std::uint32_t kManifestProtectionClass = 4;
constexpr std::uint32_t kClassKeyCount = 11;
constexpr std::size_t kSaltBytes = 20;

plist::Bytes random_bytes(std::size_t count) {
  plist::Bytes out(count);
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) throw std::runtime_error("RAND_bytes failed");
  return out;
}

void append_tlv(plist::Bytes& out, const char* tag, const plist::Bytes& value) {
  out.insert(out.end(), tag, tag + 4);
  const auto length = static_cast<std::uint32_t>(value.size());
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(length >> shift));
  out.insert(out.end(), value.begin(), value.end());
}

plist::Bytes be32(std::uint32_t value) {
  return {static_cast<std::uint8_t>(value >> 24U), static_cast<std::uint8_t>(value >> 16U),
          static_cast<std::uint8_t>(value >> 8U), static_cast<std::uint8_t>(value)};
}

// 4-byte little-endian protection class + the key wrapped with that class's key.
plist::Bytes class_wrapped(std::uint32_t protection_class, const crypto::Key& class_key, const crypto::Key& key) {
  plist::Bytes out{static_cast<std::uint8_t>(protection_class), static_cast<std::uint8_t>(protection_class >> 8U),
                   static_cast<std::uint8_t>(protection_class >> 16U),
                   static_cast<std::uint8_t>(protection_class >> 24U)};
  const auto wrapped = crypto::aes_wrap(class_key, key);
  out.insert(out.end(), wrapped.begin(), wrapped.end());
  return out;
}

crypto::Key derive_backup_key(const std::string& password, const KeyDerivation& derivation, const plist::Bytes& salt,
                              const plist::Bytes& dpsl) {
  const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(password.data()), password.size());
  std::vector<std::uint8_t> key;
  if (derivation.double_derivation) {
    const auto first = crypto::pbkdf2_hmac_sha256(bytes, dpsl, derivation.dpic);
    key = crypto::pbkdf2_hmac_sha1(first, salt, derivation.iterations);
  } else {
    key = crypto::pbkdf2_hmac_sha1(bytes, salt, derivation.iterations);
  }
  return crypto::Key(key);
}

}  // namespace

plist::Bytes build_keybag(const KeyDerivation& derivation, const plist::Bytes& salt, const plist::Bytes& dpsl,
                          const crypto::Key& backup_key,
                          const std::vector<std::pair<std::uint32_t, crypto::Key>>& class_keys) {
  plist::Bytes out;
  append_tlv(out, "VERS", be32(4));
  append_tlv(out, "TYPE", be32(1));  // backup keybag
  append_tlv(out, "UUID", random_bytes(16));
  append_tlv(out, "HMCK", random_bytes(40));
  append_tlv(out, "WRAP", be32(0));
  append_tlv(out, "SALT", salt);
  append_tlv(out, "ITER", be32(derivation.iterations));
  if (derivation.double_derivation) {
    append_tlv(out, "DPWT", be32(1));
    append_tlv(out, "DPIC", be32(derivation.dpic));
    append_tlv(out, "DPSL", dpsl);
  }
  for (const auto& [protection_class, key] : class_keys) {
    append_tlv(out, "UUID", random_bytes(16));
    append_tlv(out, "CLAS", be32(protection_class));
    append_tlv(out, "WRAP", be32(2));  // wrapped with the passcode (backup password) key
    append_tlv(out, "KTYP", be32(0));
    append_tlv(out, "WPKY", crypto::aes_wrap(backup_key, key));
  }
  return out;
}

plist::Bytes mbfile_blob(const std::string& relative_path, std::int64_t size, const FileMeta& meta, std::int64_t flags,
                         const std::optional<plist::Bytes>& encryption_key) {
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
  if (encryption_key) {
    // iOS archives the key as an NSMutableData object: {"NS.data": bytes, "$class": -> NSMutableData}.
    auto& fields = *objects[1].get_if<plist::Dict>();
    fields.emplace_back("EncryptionKey", plist::Uid{4});
    objects.emplace_back(plist::Dict{{"NS.data", *encryption_key}, {"$class", plist::Uid{5}}});
    objects.emplace_back(plist::Dict{{"$classname", "NSMutableData"},
                                     {"$classes", plist::Array{"NSMutableData", "NSData", "NSObject"}}});
  }
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

IosBackupBuilder& IosBackupBuilder::password(std::string password) {
  password_ = std::move(password);
  return *this;
}

IosBackupBuilder& IosBackupBuilder::key_derivation(KeyDerivation derivation) {
  derivation_ = derivation;
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

  // Encryption: the backup key from the password, the class keys it wraps, the Manifest.db key.
  std::optional<crypto::Key> manifest_db_key;
  std::map<std::uint32_t, crypto::Key> class_keys;
  plist::Bytes keybag;
  plist::Bytes manifest_key;
  if (encrypted_) {
    const plist::Bytes salt = random_bytes(kSaltBytes);
    const plist::Bytes dpsl = random_bytes(kSaltBytes);
    const crypto::Key backup_key = derive_backup_key(password_, derivation_, salt, dpsl);
    std::vector<std::pair<std::uint32_t, crypto::Key>> ordered;
    for (std::uint32_t c = 1; c <= kClassKeyCount; ++c) {
      ordered.emplace_back(c, crypto::Key::random());
      class_keys.emplace(c, ordered.back().second);
    }
    keybag = build_keybag(derivation_, salt, dpsl, backup_key, ordered);
    manifest_db_key = crypto::Key::random();
    manifest_key = class_wrapped(kManifestProtectionClass, class_keys.at(kManifestProtectionClass), *manifest_db_key);
  }
  const plist::Dict lockdown{{"BuildVersion", "19F77"},        {"DeviceName", "Alex's iPhone"},
                             {"ProductType", "iPhone13,2"},    {"ProductVersion", "15.5"},
                             {"SerialNumber", "F2LZX0000000"}, {"UniqueDeviceID", "00008101-000A1B2C3D4E001E"}};
  plist::Dict manifest_plist{{"Applications", plist::Dict{}},  {"Date", plist::Date{678000000.0}},
                             {"IsEncrypted", encrypted_},      {"Lockdown", lockdown},
                             {"SystemDomainsVersion", "24.0"}, {"Version", "10.0"},
                             {"WasPasscodeSet", true}};
  if (encrypted_) {
    manifest_plist.emplace(manifest_plist.begin(), "BackupKeyBag", keybag);
    manifest_plist.emplace_back("ManifestKey", manifest_key);
  }
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

  if (auto ok = write_manifest_and_files(class_keys); !ok) return ok;
  if (!manifest_db_key) return {};
  // iOS >= 10.2 encrypts Manifest.db as a whole with the ManifestKey.
  std::ifstream in(root_ / "Manifest.db", std::ios::binary);
  const plist::Bytes plain((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  in.close();
  return write_bytes(root_ / "Manifest.db", crypto::aes_cbc_encrypt(*manifest_db_key, plain));
}

Result<void> IosBackupBuilder::write_manifest_and_files(const std::map<std::uint32_t, crypto::Key>& class_keys) const {
  std::error_code ec;
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
    std::optional<crypto::Key> file_key;
    std::optional<plist::Bytes> encryption_key;
    if (encrypted_ && entry.content) {
      const auto protection_class = static_cast<std::uint32_t>(entry.meta.protection_class);
      const auto class_key = class_keys.find(protection_class);
      if (class_key == class_keys.end()) {
        return unexpected(ErrorCode::kInvalidArgument,
                          "no class key for protection class " + std::to_string(protection_class));
      }
      file_key = crypto::Key::random();
      encryption_key = class_wrapped(protection_class, class_key->second, *file_key);
    }
    const plist::Bytes blob = entry.raw_blob
                                  ? *entry.raw_blob
                                  : mbfile_blob(entry.relative_path, size, entry.meta, entry.flags, encryption_key);
    insert->bind(1, id).bind(2, entry.domain).bind(3, entry.relative_path).bind(4, entry.flags).bind_blob(5, blob);
    if (auto step = insert->step(); !step) return std::move(step).error();
    if (auto reset = insert->reset(); !reset) return reset;
    if (entry.content) {
      const fs::path dir = root_ / id.substr(0, 2);
      fs::create_directories(dir, ec);
      const plist::Bytes data(entry.content->begin(), entry.content->end());
      if (auto ok = write_bytes(dir / id, file_key ? crypto::aes_cbc_encrypt(*file_key, data) : data); !ok) return ok;
    }
  }
  return db->exec("COMMIT;");
}

}  // namespace lumiere::testing
