// Artifact: <backup>/Info.plist, written by iTunes/Finder at every backup (all iOS versions).
// Format: Apple XML plist; keys as documented by libimobiledevice's idevicebackup2.
#include "modules/ios/backup_info.hpp"

#include <array>
#include <string_view>

#include "core/plist_json.hpp"
#include "modules/ios/ios_modules.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {
namespace {

constexpr std::array<std::string_view, 18> kFields{"Build Version",
                                                   "Device Name",
                                                   "Display Name",
                                                   "GUID",
                                                   "ICCID",
                                                   "IMEI",
                                                   "MEID",
                                                   "Installed Applications",
                                                   "Last Backup Date",
                                                   "Phone Number",
                                                   "Product Name",
                                                   "Product Type",
                                                   "Product Version",
                                                   "Serial Number",
                                                   "Target Identifier",
                                                   "Target Type",
                                                   "Unique Identifier",
                                                   "iTunes Version"};

class BackupInfo final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return backup_info_descriptor(); }

  Result<void> run(ModuleContext& ctx) override {
    const auto* backup = ctx.ios_backup();
    if (backup == nullptr) return unexpected(ErrorCode::kNotFound, "only an iOS backup has Info.plist", "Info.plist");
    auto info = backup->read_root_plist("Info.plist");
    if (!info) return std::move(info).error();
    if (!info->is<plist::Dict>()) return unexpected(ErrorCode::kParse, "Info.plist is not a dictionary", "Info.plist");
    Json record = parse_backup_info(*info);
    for (const auto& [key, value] : record.items()) {
      if (!value.is_null() && !value.is_array()) ctx.log().info(ctx.logger_name(), key + ": " + value.dump());
    }
    ctx.output().results = std::move(record);
    return {};
  }

  // Device identity has no indicator check: re-checking stored results finds nothing, by design.
  Result<void> recheck(ModuleContext& /*ctx*/, const Json& /*stored*/) override { return {}; }
};

}  // namespace

Json parse_backup_info(const plist::Value& info_plist) {
  Json record = Json::object();
  for (const auto field : kFields) {
    const plist::Value* value = info_plist.find(field);
    record[std::string(field)] = value != nullptr ? plist_to_json(*value) : Json(nullptr);
  }
  return record;
}

const ModuleDescriptor& backup_info_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.backup_info",
      .slug = "backup_info",
      .mvt_class = "BackupInfo",
      .description = "Device identity from the backup's Info.plist (model, iOS version, serial, IMEI, phone number)",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "", .relative_path = "Info.plist", .fs_glob = ""}},
      .timestamp_fields = {},
      .dependencies = {},
      .shape = ResultsShape::kDict,
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_backup_info() {
  return std::make_unique<BackupInfo>();
}

}  // namespace lumiere::modules::ios
