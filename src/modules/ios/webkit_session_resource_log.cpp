// Artifact: WebKit's full_browsing_session_resourceLog.plist (Safari: AppDomain-com.apple.mobilesafari
// Library/WebKit/WebsiteData/ResourceLoadStatistics/), the ResourceLoadStatistics of a browsing session:
// browsingStatistics[] with PrevalentResourceOrigin and the top-frame redirects, subframe and subresource
// domains. Older WebKit wrote "…Origins" lists of {origin, count}; newer model versions "…Domains" of {domain}.
#include "modules/ios/webkit_session_resource_log.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& webkit_session_resource_log_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

const plist::Value* first_of(const plist::Value& dict, std::string_view key, std::string_view fallback) {
  const plist::Value* value = dict.find(key);
  return value != nullptr ? value : dict.find(fallback);
}

Json list_json(const plist::Value* value) {
  if (value == nullptr) return Json::array();
  return plist_to_json(*value);
}

Json time_json(const plist::Value* value) {
  if (value == nullptr) return Json(nullptr);
  if (const auto* real = value->get_if<double>()) return timeconv::unix_to_iso(*real);
  if (const auto* integer = value->get_if<std::int64_t>()) return timeconv::unix_to_iso(*integer);
  if (const auto* date = value->get_if<plist::Date>()) return plist_date_iso(*date);
  return Json(nullptr);
}

// The domains of one list field: each item's "origin" or "domain" value.
std::vector<std::string> domains_of(const Json& list) {
  std::vector<std::string> out;
  if (!list.is_array()) return out;
  for (const auto& item : list) {
    if (!item.is_object()) continue;
    for (const char* key : {"origin", "domain"}) {
      const auto it = item.find(key);
      if (it != item.end() && it->is_string()) {
        out.push_back(it->get<std::string>());
        break;
      }
    }
  }
  return out;
}

std::string quoted_list(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ", ";
    out += "\"" + value + "\"";
  }
  return out;
}

void check_entry(ModuleContext& ctx, const Json& entry, const std::string& provenance) {
  const auto* iocs = ctx.indicators();
  if (iocs == nullptr || !entry.is_object()) return;
  const std::string origin = entry.value("origin", "");
  const auto sources = domains_of(entry.value("redirect_source", Json::array()));
  const auto destinations = domains_of(entry.value("redirect_destination", Json::array()));
  std::vector<std::string> batch;
  auto add = [&batch](const std::string& domain) {
    if (!domain.empty() && std::find(batch.begin(), batch.end(), domain) == batch.end()) batch.push_back(domain);
  };
  add(origin);
  for (const auto& d : sources) add(d);
  for (const auto& d : destinations) add(d);
  for (const auto& d : domains_of(entry.value("subframe_under_origin", Json::array()))) add(d);
  for (const auto& d : domains_of(entry.value("subresource_under_origin", Json::array()))) add(d);
  for (const auto& domain : batch) {
    auto match = iocs->match_url(domain);
    if (!match) continue;
    ctx.alert(AlertLevel::kCritical, *match, "", entry, provenance);
    std::string path;
    if (!sources.empty()) path += "SOURCE: " + quoted_list(sources) + " -> ";
    path += "ORIGIN: \"" + origin + "\"";
    if (!destinations.empty()) path += " -> DESTINATION: " + quoted_list(destinations);
    ctx.alert(AlertLevel::kHigh, "Found HTTP redirect between suspicious domains: " + path, "", entry, provenance,
              &*match);
    return;
  }
}

// The browsing statistics of one file, kept under the file's results key ("1a/1a0e…", as MVT's relpath).
struct SessionLog {
  std::string key;
  std::string provenance;  // alerts name the file as an analyst does (domain/relativePath)
  Json entries = Json::array();
};

class WebkitSessionResourceLog final : public RecordModule<SessionLog> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return webkit_session_resource_log_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<SessionLog>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    std::vector<SessionLog> logs;
    std::optional<Error> first_error;
    for (const auto& file : *files) {
      auto entries = read_file(ctx, file);
      if (!entries) {
        if (files->size() == 1) return std::move(entries).error();
        ctx.warn(WarningKind::kCorrupt, file.provenance(), entries.error().message);
        if (!first_error) first_error = entries.error();
        continue;
      }
      ctx.log().info(ctx.logger_name(),
                     fmt::format("Extracted {} browsing statistics from {}", entries->size(), file.provenance()));
      logs.push_back(SessionLog{file.stored_path(), file.provenance(), std::move(*entries)});
    }
    if (logs.empty() && first_error) return std::move(*first_error);
    return logs;
  }

  [[nodiscard]] Json to_json(const SessionLog& log) const override { return log.entries; }
  [[nodiscard]] std::string group_key(const SessionLog& log) const override { return log.key; }

  [[nodiscard]] std::optional<SessionLog> from_stored(const Json& stored, std::string_view key) const override {
    return SessionLog{std::string(key), std::string(key), stored};
  }

  void check(ModuleContext& ctx, const SessionLog& log, const Json& /*json*/) const override {
    for (const auto& entry : log.entries) check_entry(ctx, entry, log.provenance);
  }

 private:
  static Result<Json> read_file(ModuleContext& ctx, const sources::BackupFile& file) {
    auto root = ctx.source()->read_plist(file);
    if (!root) {
      const ErrorCode code = root.error().code == ErrorCode::kParse ? ErrorCode::kCorrupt : root.error().code;
      return Error{code, root.error().message, file.provenance()};
    }
    auto entries = parse_session_resource_log(*root);
    if (!entries) return Error{ErrorCode::kCorrupt, entries.error().message, file.provenance()};
    return entries;
  }
};

}  // namespace

Result<Json> parse_session_resource_log(const plist::Value& root) {
  const plist::Value* stats = root.find("browsingStatistics");
  const auto* list = stats != nullptr ? stats->get_if<plist::Array>() : nullptr;
  if (list == nullptr) return unexpected(ErrorCode::kParse, "the plist has no browsingStatistics list");
  Json out = Json::array();
  for (const auto& item : *list) {
    if (!item.is<plist::Dict>()) continue;
    Json entry = Json::object();
    const auto* origin = first_of(item, "PrevalentResourceOrigin", "PrevalentResourceDomain");
    const auto* origin_text = origin != nullptr ? origin->get_if<std::string>() : nullptr;
    entry["origin"] = origin_text != nullptr ? json_text(*origin_text) : Json(nullptr);
    entry["redirect_source"] = list_json(item.find("topFrameUniqueRedirectsFrom"));
    entry["redirect_destination"] = list_json(item.find("topFrameUniqueRedirectsTo"));
    entry["subframe_under_origin"] =
        list_json(first_of(item, "subframeUnderTopFrameOrigins", "subframeUnderTopFrameDomains"));
    entry["subresource_under_origin"] =
        list_json(first_of(item, "subresourceUnderTopFrameOrigins", "subresourceUnderTopFrameDomains"));
    const auto* interaction = item.find("hadUserInteraction");
    const auto* flag = interaction != nullptr ? interaction->get_if<bool>() : nullptr;
    entry["user_interaction"] = flag != nullptr ? Json(*flag) : Json(nullptr);
    entry["most_recent_interaction"] = time_json(item.find("mostRecentUserInteraction"));
    entry["last_seen"] = time_json(item.find("lastSeen"));
    out.push_back(std::move(entry));
  }
  return out;
}

const ModuleDescriptor& webkit_session_resource_log_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.webkit_session_resource_log",
      .slug = "webkit_session_resource_log",
      .mvt_class = "WebkitSessionResourceLog",
      .description =
          "Safari's browsing-session resource log (origins, redirects, subframes, subresources), "
          "checked against domain indicators; reports redirect chains through suspicious domains",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "",
                     .relative_path =
                         "Library/WebKit/WebsiteData/ResourceLoadStatistics/full_browsing_session_resourceLog.plist",
                     .fs_glob = ""}},
      .timestamp_fields = {"most_recent_interaction", "last_seen"},
      .dependencies = {},
      .shape = ResultsShape::kDict,
      .evidence = &evidence::kBrowsing,
      .parse = {.plist = &parse_entry<&parse_session_resource_log, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_webkit_session_resource_log() {
  return std::make_unique<WebkitSessionResourceLog>();
}

}  // namespace lumiere::modules::ios
