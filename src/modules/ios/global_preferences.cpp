// Artifact: HomeDomain Library/Preferences/.GlobalPreferences.plist (all iOS versions): system-wide
// preferences (AppleLanguages, AppleLocale...); LDMGlobalEnabled is set when Lockdown Mode (iOS 16+) is on.
// Spec §3.3 GlobalPreferences.
#include "modules/ios/global_preferences.hpp"

#include <fmt/core.h>

#include "core/plist_json.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& global_preferences_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kLockdownMode = "LDMGlobalEnabled";

// Python's bool() of the value as plistlib would load it.
bool truthy(const plist::Value& value) {
  return std::visit(
      [](const auto& v) -> bool {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return false;
        } else if constexpr (std::is_same_v<T, bool>) {
          return v;
        } else if constexpr (std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
          return v != 0;
        } else if constexpr (std::is_same_v<T, plist::Date> || std::is_same_v<T, plist::Uid>) {
          return true;
        } else {
          return !v.empty();
        }
      },
      value.data);
}

bool json_truthy(const Json& value) {
  if (value.is_null()) return false;
  if (value.is_boolean()) return value.get<bool>();
  if (value.is_number()) return value.get<double>() != 0;
  if (value.is_string() || value.is_array() || value.is_object()) return !value.empty();
  return true;
}

class GlobalPreferences final : public RecordModule<GlobalPreferenceRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return global_preferences_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<GlobalPreferenceRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_plist<GlobalPreferenceRecord>(ctx, parse_global_preferences);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} global preferences", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const GlobalPreferenceRecord& r) const override {
    Json j = Json::object();
    j["entry"] = json_text(r.entry);
    j["value"] = r.value;
    return j;
  }

  [[nodiscard]] std::optional<GlobalPreferenceRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    GlobalPreferenceRecord r;
    r.entry = stored.value("entry", "");
    r.value = stored.value("value", Json());
    r.truthy = json_truthy(r.value);
    return r;
  }

  // Always on, no indicator needed: Lockdown Mode's state tells the analyst how exposed the phone was.
  void check(ModuleContext& ctx, const GlobalPreferenceRecord& r, const Json& json) const override {
    if (r.entry != kLockdownMode) return;
    if (r.truthy) {
      ctx.alert(AlertLevel::kInformational, "Lockdown mode enabled", "", json, r.provenance);
    } else {
      ctx.alert(AlertLevel::kLow, "Lockdown mode disabled", "", json, r.provenance);
    }
  }
};

}  // namespace

Result<std::vector<GlobalPreferenceRecord>> parse_global_preferences(const plist::Value& preferences) {
  const auto* entries = preferences.get_if<plist::Dict>();
  if (entries == nullptr) {
    return unexpected(ErrorCode::kUnsupported, "unsupported schema: .GlobalPreferences.plist is not a dictionary");
  }
  std::vector<GlobalPreferenceRecord> records;
  for (const auto& [key, value] : *entries) {
    records.push_back(GlobalPreferenceRecord{
        .entry = key,
        .value = plist_to_json(value),
        .truthy = truthy(value),
        .provenance = {},
    });
  }
  return records;
}

const ModuleDescriptor& global_preferences_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.global_preferences",
      .slug = "global_preferences",
      .mvt_class = "GlobalPreferences",
      .description = "System-wide preferences (.GlobalPreferences.plist); reports whether Lockdown Mode is enabled",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/Preferences/.GlobalPreferences.plist",
                     .fs_glob = ""}},
      .timestamp_fields = {},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kConfiguration,
      .parse = {.plist = &parse_entry<&parse_global_preferences, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_global_preferences() {
  return std::make_unique<GlobalPreferences>();
}

}  // namespace lumiere::modules::ios
