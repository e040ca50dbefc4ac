// Artifact: the backup's Info.plist, key "Applications" (iTunes/Finder backups, iOS 8+): per bundle id the
// app's iTunesMetadata.plist (as bytes), its PlaceholderIcon PNG and ApplicationSINF. Keys of
// iTunesMetadata as the App Store writes them (softwareVersionBundleId, itemName, artistName, sourceApp,
// com.apple.iTunesStore.downloadInfo.purchaseDate...). Spec §3.3 Applications.
#include "modules/ios/applications.hpp"

#include <fmt/core.h>

#include <array>
#include <chrono>
#include <cstdio>

#include "core/hash.hpp"
#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& applications_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kDefaultSource = "com.apple.AppStore";
constexpr std::array<std::string_view, 4> kTrustedSources{
    "com.apple.AppStore", "com.apple.AppStore.ProductPageExtension", "com.apple.dmd", "dmd"};
constexpr std::string_view kDownloadInfo = "com.apple.iTunesStore.downloadInfo";

std::string string_field(const Json& object, std::string_view key, std::string_view fallback = "") {
  const auto it = object.find(std::string(key));
  if (it == object.end() || it->is_null()) return std::string(fallback);
  if (it->is_string()) return it->get<std::string>();
  return it->dump();
}

class Applications final : public RecordModule<ApplicationRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return applications_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ApplicationRecord>> extract(ModuleContext& ctx) const override {
    const auto* backup = ctx.ios_backup();
    if (backup == nullptr) return unexpected(ErrorCode::kNotFound, "only an iOS backup has Info.plist", "Info.plist");
    auto shared_info = backup->info_plist();  // read once for every module that needs it
    if (!shared_info) return std::move(shared_info).error();
    const plist::Value* info = shared_info->get();
    const plist::Value* applications = info->find("Applications");
    if (applications == nullptr) {
      return unexpected(ErrorCode::kNotFound, "Info.plist has no Applications key", "Info.plist");
    }
    auto records = parse_applications(*applications);
    if (!records) {
      Error error = std::move(records).error();
      error.path = "Info.plist";
      return unexpected(std::move(error));
    }
    for (const auto& r : *records) {
      if (r.metadata_unreadable) {
        ctx.warn(WarningKind::kCorrupt, "Info.plist",
                 fmt::format("the iTunesMetadata of {} is not a readable property list", r.name));
      }
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} applications", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ApplicationRecord& r) const override {
    Json j = Json::object();
    j["name"] = json_text(r.name);
    for (const auto& [key, value] : r.metadata.items()) j[key] = value;
    if (!r.icon_sha256.empty()) j["icon_sha256"] = r.icon_sha256;
    if (!r.isodate.empty()) j["isodate"] = r.isodate;
    return j;
  }

  [[nodiscard]] std::optional<ApplicationRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    ApplicationRecord r;
    for (const auto& [key, value] : stored.items()) {
      if (key == "name") {
        r.name = value.is_string() ? value.get<std::string>() : "";
      } else if (key == "icon_sha256") {
        r.icon_sha256 = value.is_string() ? value.get<std::string>() : "";
      } else if (key == "isodate") {
        r.isodate = value.is_string() ? value.get<std::string>() : "";
      } else {
        r.metadata[key] = value;
      }
    }
    return r;
  }

  void check(ModuleContext& ctx, const ApplicationRecord& r, const Json& json) const override {
    const std::string bundle_id = string_field(r.metadata, "softwareVersionBundleId");
    if (const auto* iocs = ctx.indicators()) {
      if (!r.metadata.contains("softwareVersionBundleId")) {
        ctx.alert(AlertLevel::kMedium, "Suspicious application identified without softwareVersionBundleId", "", json,
                  "Info.plist");
      } else if (auto match = iocs->match_process(bundle_id)) {
        ctx.alert(AlertLevel::kCritical, fmt::format("Malicious application {} identified", bundle_id), "", json,
                  "Info.plist", &*match);
      } else if (auto app = iocs->match_app_id(bundle_id)) {
        ctx.alert(AlertLevel::kCritical, *app, "", json, "Info.plist");
      }
    }
    const std::string source = string_field(r.metadata, "sourceApp", kDefaultSource);
    if (std::find(kTrustedSources.begin(), kTrustedSources.end(), source) == kTrustedSources.end()) {
      ctx.alert(AlertLevel::kMedium,
                fmt::format("Suspicious app not installed from the App Store or MDM: {}",
                            bundle_id.empty() ? r.name : bundle_id),
                r.isodate, json, "Info.plist");
    }
  }

  void timeline(ModuleContext& ctx, const ApplicationRecord& r) const override {
    if (r.isodate.empty()) return;
    ctx.timeline(r.isodate, "app_installed",
                 fmt::format("App {} version {} from {} installed from {}", r.name,
                             string_field(r.metadata, "bundleShortVersionString", "None"),
                             string_field(r.metadata, "artistName", "None"),
                             string_field(r.metadata, "sourceApp", kDefaultSource)));
  }
};

}  // namespace

std::string purchase_date_iso(std::string_view text) {
  int year = 0;
  unsigned month = 0;
  unsigned day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  char zulu = 0;
  const std::string copy(text);
  // The fields are range-checked below; the length check rejects trailing text.
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2d:%2d:%2d%c", &year, &month, &day, &hour, &minute, &second, &zulu) !=
          7 ||
      zulu != 'Z' || copy.size() != std::string_view("YYYY-MM-DDTHH:MM:SSZ").size()) {
    return "";
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  constexpr int kHoursPerDay = 24;
  constexpr int kSixty = 60;
  if (!date.ok() || hour < 0 || hour >= kHoursPerDay || minute < 0 || minute >= kSixty || second < 0 ||
      second >= kSixty) {
    return "";
  }
  const auto instant = std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
                       std::chrono::seconds{second};
  return timeconv::iso(std::chrono::time_point_cast<std::chrono::microseconds>(instant));
}

Result<std::vector<ApplicationRecord>> parse_applications(const plist::Value& applications) {
  const auto* apps = applications.get_if<plist::Dict>();
  if (apps == nullptr)
    return unexpected(ErrorCode::kUnsupported, "unsupported schema: Applications is not a dictionary");
  std::vector<ApplicationRecord> records;
  for (const auto& [bundle_id, app] : *apps) {
    ApplicationRecord r;
    r.name = bundle_id;
    if (const plist::Value* metadata = app.find("iTunesMetadata")) {
      const auto* bytes = metadata->get_if<plist::Bytes>();
      auto parsed = bytes != nullptr ? plist::parse(*bytes, bundle_id) : Result<plist::Value>(*metadata);
      if (parsed && parsed->is<plist::Dict>()) {
        r.metadata = plist_to_json(*parsed);
        if (const plist::Value* download = parsed->find(kDownloadInfo)) {
          if (const std::string* purchase = download->find_string("purchaseDate")) {
            r.isodate = purchase_date_iso(*purchase);
          }
        }
      } else {
        r.metadata_unreadable = true;
      }
    }
    if (const plist::Value* icon = app.find("PlaceholderIcon")) {
      if (const auto* png = icon->get_if<plist::Bytes>()) {
        r.icon_sha256 = hash::sha256_hex(std::string_view(reinterpret_cast<const char*>(png->data()), png->size()));
      }
    }
    records.push_back(std::move(r));
  }
  return records;
}

const ModuleDescriptor& applications_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.applications",
      .slug = "applications",
      .mvt_class = "Applications",
      .description =
          "Installed apps from the backup's Info.plist (iTunesMetadata): flags apps not installed from the "
          "App Store or MDM and checks bundle ids against indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "", .relative_path = "Info.plist", .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kExecution,
      .parse = {.plist = &parse_entry<&parse_applications, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_applications() {
  return std::make_unique<Applications>();
}

}  // namespace lumiere::modules::ios
