// Artifact: <backup>/Info.plist, written by iTunes/Finder at every backup (all iOS versions).
// Format: Apple XML plist; keys as documented by libimobiledevice's idevicebackup2.
#include "modules/ios/backup_info.hpp"

#include <array>
#include <string_view>

#include "core/plist_json.hpp"
#include "framework/module.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& backup_info_descriptor();  // below; listed in src/framework/registry.cpp

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

class BackupInfo final : public RecordModule<Json> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return backup_info_descriptor(); }

 protected:
  // One record: the device identity, which is the module's results (a dict).
  [[nodiscard]] Result<std::vector<Json>> extract(ModuleContext& ctx) const override {
    const auto* backup = ctx.ios_backup();
    if (backup == nullptr) return unexpected(ErrorCode::kNotFound, "only an iOS backup has Info.plist", "Info.plist");
    auto shared_info = backup->info_plist();  // read once for every module that needs it
    if (!shared_info) return std::move(shared_info).error();
    const plist::Value* info = shared_info->get();
    if (!info->is<plist::Dict>()) return unexpected(ErrorCode::kParse, "Info.plist is not a dictionary", "Info.plist");
    Json record = parse_backup_info(*info);
    for (const auto& [key, value] : record.items()) {
      if (!value.is_null() && !value.is_array()) ctx.log().info(ctx.logger_name(), key + ": " + value.dump());
    }
    std::vector<Json> records;
    records.push_back(std::move(record));
    return records;
  }

  [[nodiscard]] Json to_json(const Json& record) const override { return record; }
  // Device identity has no indicator check: re-checking stored results finds nothing, by design.
  [[nodiscard]] std::optional<Json> from_json(const Json& stored) const override { return stored; }
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
      .evidence = &evidence::kOther,
      .parse = {.plist = &parse_entry<&parse_backup_info, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_backup_info() {
  return std::make_unique<BackupInfo>();
}

}  // namespace lumiere::modules::ios
