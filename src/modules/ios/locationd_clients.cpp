// Artifact: RootDomain Library/Caches/locationd/clients.plist (all iOS versions with backups): locationd's
// registry of location clients, keyed by bundle id or executable path, with authorization state, BundleId,
// BundlePath, Executable and Mac-time "...TimeStopped" stamps. Spec §3.3 LocationdClients.
#include "modules/ios/locationd_clients.hpp"

#include <fmt/core.h>

#include <array>
#include <string_view>

#include "core/base64.hpp"
#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& locationd_clients_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array<std::string_view, 9> kTimestampKeys{"ConsumptionPeriodBegin",
                                                         "ReceivingLocationInformationTimeStopped",
                                                         "VisitTimeStopped",
                                                         "LocationTimeStopped",
                                                         "BackgroundLocationTimeStopped",
                                                         "SignificantTimeStopped",
                                                         "NonPersistentSignificantTimeStopped",
                                                         "FenceTimeStopped",
                                                         "BeaconRegionTimeStopped"};
constexpr std::string_view kStorageToken = "ClientStorageToken";

std::string mac_time(const plist::Value& value) {
  if (const auto* date = value.get_if<plist::Date>()) return plist_date_iso(*date);
  if (const auto* real = value.get_if<double>()) return timeconv::mac_to_iso(*real);
  if (const auto* integer = value.get_if<std::int64_t>()) return timeconv::mac_to_iso(*integer);
  return "";
}

std::string string_or_empty(const Json& fields, std::string_view key) {
  const auto it = fields.find(std::string(key));
  if (it == fields.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

class LocationdClients final : public RecordModule<LocationdClientRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return locationd_clients_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<LocationdClientRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_plist<LocationdClientRecord>(ctx, parse_locationd_clients);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(),
                   fmt::format("Extracted a total of {} Locationd Clients entries", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const LocationdClientRecord& r) const override {
    Json j = r.fields;
    j["package"] = json_text(r.package);
    return j;
  }

  [[nodiscard]] std::optional<LocationdClientRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    LocationdClientRecord r;
    r.package = stored.value("package", "");
    r.fields = stored;
    r.fields.erase("package");
    return r;
  }

  void check(ModuleContext& ctx, const LocationdClientRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    const auto slash = r.package.rfind('/');
    const std::string process = slash == std::string::npos ? r.package : r.package.substr(slash + 1);
    if (auto match = iocs->match_process(process)) {
      ctx.alert(AlertLevel::kHigh, *match, "", json, r.provenance);
      return;
    }
    if (const std::string bundle_id = string_or_empty(r.fields, "BundleId"); !bundle_id.empty()) {
      if (auto match = iocs->match_process(bundle_id)) ctx.alert(AlertLevel::kHigh, *match, "", json, r.provenance);
    }
    for (const std::string_view key : {std::string_view("BundlePath"), std::string_view("Executable")}) {
      const std::string path = string_or_empty(r.fields, key);
      if (path.empty()) continue;
      if (auto match = iocs->match_file_path(path)) {
        ctx.alert(AlertLevel::kHigh, *match, "", json, r.provenance);
        return;
      }
    }
    const std::string registered = string_or_empty(r.fields, "Registered");  // "" when it is a boolean
    if (!registered.empty()) {
      if (auto match = iocs->match_file_path(registered)) ctx.alert(AlertLevel::kHigh, *match, "", json, r.provenance);
    }
  }

  void timeline(ModuleContext& ctx, const LocationdClientRecord& r) const override {
    for (const auto& [key, iso] : r.times) ctx.timeline(iso, key, fmt::format("{} from {}", key, r.package));
  }
};

}  // namespace

Result<std::vector<LocationdClientRecord>> parse_locationd_clients(const plist::Value& clients) {
  const auto* entries = clients.get_if<plist::Dict>();
  if (entries == nullptr) {
    return unexpected(ErrorCode::kUnsupported, "unsupported schema: clients.plist is not a dictionary");
  }
  std::vector<LocationdClientRecord> records;
  for (const auto& [key, entry] : *entries) {
    const auto* fields = entry.get_if<plist::Dict>();
    if (fields == nullptr) continue;
    LocationdClientRecord r;
    r.package = key.ends_with(':') ? key.substr(0, key.size() - 1) : key;
    for (const auto& [name, value] : *fields) {
      const std::string json_key = utf8_backslashreplace(name);
      if (name == kStorageToken && value.is<plist::Bytes>()) {
        r.fields[json_key] = base64_encode(std::span<const std::uint8_t>(*value.get_if<plist::Bytes>()));
      } else if (std::find(kTimestampKeys.begin(), kTimestampKeys.end(), name) != kTimestampKeys.end()) {
        r.fields[json_key] = mac_time(value);
      } else {
        r.fields[json_key] = plist_to_json(value);
      }
    }
    for (const auto stamp : kTimestampKeys) {
      const auto it = r.fields.find(std::string(stamp));
      if (it != r.fields.end() && it->is_string() && !it->get<std::string>().empty()) {
        r.times.emplace_back(std::string(stamp), it->get<std::string>());
      }
    }
    records.push_back(std::move(r));
  }
  return records;
}

const ModuleDescriptor& locationd_clients_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.locationd_clients",
      .slug = "locationd_clients",
      .mvt_class = "LocationdClients",
      .description =
          "Apps and services registered with locationd (clients.plist) and when they last used location; "
          "checks their names and paths against process and file indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "RootDomain", .relative_path = "Library/Caches/locationd/clients.plist", .fs_glob = ""}},
      .timestamp_fields = {"ConsumptionPeriodBegin", "ReceivingLocationInformationTimeStopped", "VisitTimeStopped",
                           "LocationTimeStopped", "BackgroundLocationTimeStopped", "SignificantTimeStopped",
                           "NonPersistentSignificantTimeStopped", "FenceTimeStopped", "BeaconRegionTimeStopped"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kExecution,
      .parse = {.plist = &parse_entry<&parse_locationd_clients, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_locationd_clients() {
  return std::make_unique<LocationdClients>();
}

}  // namespace lumiere::modules::ios
