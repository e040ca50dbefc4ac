// libFuzzer target: a backup's Manifest.db. The bytes are loaded as an in-memory SQLite image
// (sqlite3_deserialize through Database::open_image) and read by the manifest module's parser, then salvaged
// with sqlite_recover and parsed again; they are also opened as a real backup folder's Manifest.db
// (IosBackup::open, then the queries every module makes and the per-file MBFile metadata).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string_view>
#include <vector>

#include "core/sqlite.hpp"
#include "core/sqlite_recover.hpp"
#include "core/temp_dir.hpp"
#include "modules/ios/manifest.hpp"
#include "sources/ios_backup.hpp"

namespace {

// A minimal backup folder (Info.plist) whose Manifest.db each input replaces. Created once per process.
const std::filesystem::path& backup_folder() {
  static lumiere::PrivateTempDir dir = [] {
    auto created = lumiere::PrivateTempDir::create("lumiere-fuzz-manifest");
    if (!created) std::abort();
    std::ofstream(created->path() / "Info.plist", std::ios::binary)
        << R"(<?xml version="1.0" encoding="UTF-8"?><plist version="1.0"><dict>)"
           R"(<key>Product Version</key><string>17.4</string></dict></plist>)";
    return std::move(*created);
  }();
  return dir.path();
}

void parse_image(const lumiere::sqlite::Database& db) {
  auto records = lumiere::modules::ios::parse_manifest(db);
  (void)records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  {
    auto db = lumiere::sqlite::Database::open_image(std::vector<std::uint8_t>(data, data + size), "Manifest.db");
    if (db) {
      parse_image(*db);
      auto recovered = lumiere::sqlite::recover_readable(*db);
      if (recovered) parse_image(recovered->database);
    }
  }
  const auto& folder = backup_folder();
  {
    std::ofstream out(folder / "Manifest.db", std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto backup = lumiere::sources::IosBackup::open(folder);
  if (!backup) return 0;
  auto all = backup->query(std::nullopt, "*");
  if (all) {
    for (const auto& file : *all) (void)backup->file_metadata(file);
  }
  (void)backup->query(std::string_view("HomeDomain"), "Library/SMS/sms.db");
  (void)backup->query(std::string_view("HomeDomain"), "Library/Safari/*");
  return 0;
}
