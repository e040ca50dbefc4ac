// Artifact: Library/ConfigurationProfiles/profile-<hash>.stub in the backup domain
// SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles (iOS 9+): one binary plist per
// installed profile (PayloadUUID, PayloadDisplayName, PayloadType, PayloadContent[], InstallDate,
// SignerCerts...). Reference: Apple's Configuration Profile Reference (payload keys), spec §3.1.
#include "modules/ios/configuration_profiles.hpp"

#include <fmt/core.h>

#include <string_view>
#include <vector>

#include "core/base64.hpp"
#include "core/plist_json.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& configuration_profiles_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kProfilesDomain = "SysSharedContainerDomain-systemgroup.com.apple.configurationprofiles";
constexpr std::string_view kStubPrefix = "profile-";
constexpr std::string_view kNotificationSettings = "com.apple.notificationsettings";

// Bytes → base64 text; anything else is left as plist_to_json wrote it.
void base64_value(const plist::Value* value, Json& out) {
  if (value == nullptr) return;
  if (const auto* bytes = value->get_if<plist::Bytes>()) out = base64_encode(std::span<const std::uint8_t>(*bytes));
}

void base64_list(const plist::Value* list, Json& out) {
  if (list == nullptr || !out.is_array()) return;
  const auto* items = list->get_if<plist::Array>();
  if (items == nullptr) return;
  for (std::size_t i = 0; i < items->size() && i < out.size(); ++i) base64_value(&(*items)[i], out[i]);
}

std::string json_string(const Json& object, std::string_view key) {
  if (!object.is_object()) return "";
  const auto it = object.find(std::string(key));
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string first_payload_type(const Json& plist) {
  if (!plist.is_object()) return "";
  const auto it = plist.find("PayloadContent");
  if (it == plist.end() || !it->is_array() || it->empty()) return "";
  return json_string(it->front(), "PayloadType");
}

bool is_profile_stub(std::string_view relative_path) {
  const auto slash = relative_path.rfind('/');
  const auto base = slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  return base.starts_with(kStubPrefix);
}

class ConfigurationProfiles final : public RecordModule<ConfigurationProfileRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return configuration_profiles_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ConfigurationProfileRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    std::vector<ConfigurationProfileRecord> records;
    bool any_stub = false;
    for (const auto& file : *files) {
      if (!is_profile_stub(file.relative_path)) continue;
      any_stub = true;
      auto stub = ctx.source()->read_plist(file);
      if (!stub) {
        ctx.warn(WarningKind::kCorrupt, file.provenance(), "unreadable configuration profile: " + stub.error().message);
        continue;
      }
      if (!stub->is<plist::Dict>()) {
        ctx.warn(WarningKind::kCorrupt, file.provenance(), "configuration profile is not a dictionary");
        continue;
      }
      records.push_back(ConfigurationProfileRecord{
          .file_id = file.file_id,
          .relative_path = file.relative_path,
          .domain = file.domain,
          .plist = configuration_profile_json(*stub),
          .install_date = configuration_profile_install_date(*stub),
      });
    }
    if (!any_stub) {
      return unexpected(ErrorCode::kNotFound, "no profile-* stub in the backup",
                        std::string(kProfilesDomain) + "/*profile-*");
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Found {} configuration profiles", records.size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ConfigurationProfileRecord& r) const override {
    Json j = Json::object();
    j["file_id"] = r.file_id;
    j["relative_path"] = json_text(r.relative_path);
    j["domain"] = json_text(r.domain);
    j["plist"] = r.plist;
    j["install_date"] = r.install_date;
    return j;
  }

  [[nodiscard]] std::optional<ConfigurationProfileRecord> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("plist")) return std::nullopt;
    return ConfigurationProfileRecord{
        .file_id = stored.value("file_id", ""),
        .relative_path = stored.value("relative_path", ""),
        .domain = stored.value("domain", ""),
        .plist = stored["plist"],
        .install_date = stored.value("install_date", ""),
    };
  }

  void check(ModuleContext& ctx, const ConfigurationProfileRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;  // both checks are IOC-gated in MVT, the notification heuristic included
    const std::string provenance = r.domain + "/" + r.relative_path;
    const std::string uuid = json_string(r.plist, "PayloadUUID");
    const std::string name = json_string(r.plist, "PayloadDisplayName");
    if (!uuid.empty()) {
      if (auto match = iocs->match_profile(uuid)) {
        ctx.alert(AlertLevel::kCritical,
                  fmt::format("Found a known malicious configuration profile \"{}\" with UUID \"{}\"", name, uuid), "",
                  json, provenance, &*match);
        return;
      }
    }
    if (first_payload_type(r.plist) == kNotificationSettings) {
      ctx.alert(AlertLevel::kMedium,
                fmt::format("Found a configuration profile \"{}\" with UUID \"{}\" that changes notification "
                            "settings ({}): it can hide notifications from the user",
                            name, uuid, kNotificationSettings),
                "", json, provenance);
    }
  }

  void timeline(ModuleContext& ctx, const ConfigurationProfileRecord& r) const override {
    if (r.install_date.empty()) return;
    ctx.timeline(r.install_date, "configuration_profile_install",
                 fmt::format("{} installed: {} - {}: {}", json_string(r.plist, "PayloadType"),
                             json_string(r.plist, "PayloadUUID"), json_string(r.plist, "PayloadDisplayName"),
                             json_string(r.plist, "PayloadDescription")));
  }
};

}  // namespace

Json configuration_profile_json(const plist::Value& stub) {
  Json out = plist_to_json(stub);
  if (!out.is_object()) return out;
  if (out.contains("SignerCerts")) base64_list(stub.find("SignerCerts"), out["SignerCerts"]);
  if (out.contains("PushTokenDataSentToServerKey"))
    base64_value(stub.find("PushTokenDataSentToServerKey"), out["PushTokenDataSentToServerKey"]);
  if (out.contains("LastPushTokenHash")) base64_value(stub.find("LastPushTokenHash"), out["LastPushTokenHash"]);
  if (const auto* ota = stub.find("OTAProfileStub"); ota != nullptr && out["OTAProfileStub"].is_object()) {
    Json& ota_json = out["OTAProfileStub"];
    if (ota_json.contains("SignerCerts")) base64_list(ota->find("SignerCerts"), ota_json["SignerCerts"]);
    if (const auto* content = ota->find("PayloadContent");
        content != nullptr && ota_json["PayloadContent"].is_object() &&
        ota_json["PayloadContent"].contains("EnrollmentIdentityPersistentID")) {
      base64_value(content->find("EnrollmentIdentityPersistentID"),
                   ota_json["PayloadContent"]["EnrollmentIdentityPersistentID"]);
    }
  }
  if (const auto* content = stub.find("PayloadContent"); content != nullptr && out["PayloadContent"].is_array()) {
    if (const auto* payloads = content->get_if<plist::Array>()) {
      Json& payloads_json = out["PayloadContent"];
      for (std::size_t i = 0; i < payloads->size() && i < payloads_json.size(); ++i) {
        for (const std::string_view key :
             {std::string_view("PERSISTENT_REF"), std::string_view("IdentityPersistentRef")}) {
          if (payloads_json[i].is_object() && payloads_json[i].contains(std::string(key))) {
            base64_value((*payloads)[i].find(key), payloads_json[i][std::string(key)]);
          }
        }
      }
    }
  }
  return out;
}

std::string configuration_profile_install_date(const plist::Value& stub) {
  const plist::Value* install = stub.find("InstallDate");
  if (install == nullptr) return "";
  if (const auto* date = install->get_if<plist::Date>()) return plist_date_iso(*date);
  return "";
}

const ModuleDescriptor& configuration_profiles_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.configuration_profiles",
      .slug = "configuration_profiles",
      .mvt_class = "ConfigurationProfiles",
      .description =
          "Installed configuration profiles (MDM, VPN, certificates); checks profile UUIDs against "
          "indicators and flags profiles that can hide notifications",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = kProfilesDomain, .relative_path = "*profile-*", .fs_glob = ""}},
      .timestamp_fields = {"install_date"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kConfiguration,
      .parse = {.plist = [](const plist::Value& stub) -> Result<std::size_t> {
        if (!stub.is<plist::Dict>()) return unexpected(ErrorCode::kParse, "configuration profile is not a dictionary");
        (void)configuration_profile_json(stub);
        (void)configuration_profile_install_date(stub);
        return std::size_t{1};
      }},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_configuration_profiles() {
  return std::make_unique<ConfigurationProfiles>();
}

}  // namespace lumiere::modules::ios
