// Artifact: Library/ConfigurationProfiles/MCProfileEvents.plist (SysSharedContainerDomain-systemgroup.com.
// apple.configurationprofiles in practice), written by profiled on iOS 9+: key ProfileEvents = list of
// one-key dicts {profile identifier: {timestamp, operation, process}}. Spec §3.1 ProfileEvents.
#include "modules/ios/profile_events.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>

#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& profile_events_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

std::string lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string plist_text_of(const plist::Value& value) {
  if (const auto* s = value.get_if<std::string>()) return utf8_backslashreplace(*s);
  return "";
}

std::string time_of(const plist::Value& value) {
  if (const auto* date = value.get_if<plist::Date>()) return plist_date_iso(*date);
  if (const auto* real = value.get_if<double>()) return timeconv::mac_to_iso(*real);
  if (const auto* integer = value.get_if<std::int64_t>()) return timeconv::mac_to_iso(*integer);
  return "";
}

class ProfileEvents final : public RecordModule<ProfileEventRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return profile_events_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ProfileEventRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    std::vector<ProfileEventRecord> records;
    std::optional<Error> last_error;
    for (const auto& file : *files) {
      auto events = ctx.source()->read_plist(file);
      if (!events) {
        if (files->size() > 1) ctx.warn(WarningKind::kCorrupt, file.provenance(), events.error().message);
        last_error = std::move(events).error();
        continue;
      }
      auto parsed = parse_profile_events(*events);
      if (!parsed) {
        Error error = std::move(parsed).error();
        error.path = file.provenance();
        if (files->size() > 1) ctx.warn(WarningKind::kUnsupported, file.provenance(), error.message);
        last_error = std::move(error);
        continue;
      }
      for (auto& record : *parsed) {
        record.provenance = file.provenance();
        records.push_back(std::move(record));
      }
    }
    if (records.empty() && last_error && files->size() == 1) return unexpected(std::move(*last_error));
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} profile events", records.size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ProfileEventRecord& r) const override {
    Json j = Json::object();
    j["profile_id"] = json_text(r.profile_id);
    j["timestamp"] = r.timestamp;
    j["operation"] = r.operation;
    j["process"] = r.process;
    for (const auto& [key, value] : r.other.items()) j[key] = value;
    return j;
  }

  [[nodiscard]] std::optional<ProfileEventRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    ProfileEventRecord r;
    for (const auto& [key, value] : stored.items()) {
      const std::string text = value.is_string() ? value.get<std::string>() : "";
      if (key == "profile_id") {
        r.profile_id = text;
      } else if (key == "timestamp") {
        r.timestamp = text;
      } else if (key == "operation") {
        r.operation = text;
      } else if (key == "process") {
        r.process = text;
      } else {
        r.other[key] = value;
      }
    }
    return r;
  }

  void check(ModuleContext& ctx, const ProfileEventRecord& r, const Json& json) const override {
    ctx.alert(AlertLevel::kLow,
              fmt::format("On {} process \"{}\" started operation \"{}\" of profile \"{}\"", r.timestamp, r.process,
                          r.operation, r.profile_id),
              r.timestamp, json, r.provenance);
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_process(r.process)) {
      ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
      return;
    }
    if (auto match = iocs->match_profile(r.profile_id))
      ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
  }

  void timeline(ModuleContext& ctx, const ProfileEventRecord& r) const override {
    ctx.timeline(r.timestamp, "profile_operation",
                 fmt::format("Process {} started operation {} of profile {}", r.process, r.operation, r.profile_id));
  }
};

}  // namespace

Result<std::vector<ProfileEventRecord>> parse_profile_events(const plist::Value& events_plist) {
  const plist::Value* list = events_plist.find("ProfileEvents");
  const auto* events = list != nullptr ? list->get_if<plist::Array>() : nullptr;
  if (events == nullptr) return unexpected(ErrorCode::kUnsupported, "unsupported schema: no ProfileEvents list");
  std::vector<ProfileEventRecord> records;
  for (const auto& entry : *events) {
    const auto* dict = entry.get_if<plist::Dict>();
    if (dict == nullptr) continue;
    for (const auto& [profile_id, event] : *dict) {
      const auto* fields = event.get_if<plist::Dict>();
      if (fields == nullptr) continue;
      ProfileEventRecord r;
      r.profile_id = profile_id;
      for (const auto& [key, value] : *fields) {
        const std::string name = lowercase(key);
        if (name == "timestamp") {
          r.timestamp = time_of(value);
        } else if (name == "operation") {
          r.operation = plist_text_of(value);
        } else if (name == "process") {
          r.process = plist_text_of(value);
        } else {
          r.other[utf8_backslashreplace(name)] = plist_to_json(value);
        }
      }
      records.push_back(std::move(r));
    }
  }
  return records;
}

const ModuleDescriptor& profile_events_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.profile_events",
      .slug = "profile_events",
      .mvt_class = "ProfileEvents",
      .description =
          "Configuration profile installs and removals (MCProfileEvents.plist): which process did what "
          "to which profile, and when",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "",
                     .relative_path = "Library/ConfigurationProfiles/MCProfileEvents.plist",
                     .fs_glob = ""}},
      .timestamp_fields = {"timestamp"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kConfiguration,
      .parse = {.plist = &parse_entry<&parse_profile_events, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_profile_events() {
  return std::make_unique<ProfileEvents>();
}

}  // namespace lumiere::modules::ios
