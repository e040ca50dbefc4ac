// Artifact: WebKit's Intelligent Tracking Prevention store observations.db
// (Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db of Safari and of any app using WebKit),
// table ObservedDomains. mostRecentUserInteractionTime and mostRecentWebPushInteractionTime are optional
// (the latter only in recent WebKit). Reference: WebKit ResourceLoadStatisticsStore.cpp.
#include "modules/ios/webkit_resource_load_statistics.hpp"

#include <fmt/core.h>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& webkit_resource_load_statistics_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

void put_optional_time(Json& j, const std::string& key, const std::optional<double>& value) {
  if (!value) return;
  j[key] = *value;
  if (*value >= 0) j[key + "_isodate"] = timeconv::unix_to_iso(*value);
}

std::optional<double> optional_number(const Json& stored, const char* key) {
  const auto it = stored.find(key);
  if (it == stored.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}

class WebkitResourceLoadStatistics final : public RecordModule<ObservedDomain> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override {
    return webkit_resource_load_statistics_descriptor();
  }

 protected:
  [[nodiscard]] Result<std::vector<ObservedDomain>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    std::vector<ObservedDomain> out;
    std::optional<Error> first_error;
    std::size_t parsed = 0;
    for (const auto& file : *files) {
      auto rows = parse_artifact_database<std::vector<ObservedDomain>>(ctx, file, [&file](const sqlite::Database& db) {
        return parse_observed_domains(db, file.domain, file.relative_path);
      });
      if (!rows) {
        if (files->size() == 1) return std::move(rows).error();
        ctx.warn(rows.error().code == ErrorCode::kUnsupported ? WarningKind::kUnsupported : WarningKind::kCorrupt,
                 file.provenance(), rows.error().message);
        if (!first_error) first_error = rows.error();
        continue;
      }
      ++parsed;
      out.insert(out.end(), std::make_move_iterator(rows->begin()), std::make_move_iterator(rows->end()));
    }
    if (parsed == 0 && first_error) return *first_error;
    ctx.log().info(ctx.logger_name(),
                   fmt::format("Extracted a total of {} records from {} observations.db files", out.size(), parsed));
    return out;
  }

  [[nodiscard]] Json to_json(const ObservedDomain& r) const override {
    Json j = Json::object();
    j["domain_id"] = r.domain_id;
    j["registrable_domain"] = json_text(r.registrable_domain);
    j["last_seen"] = r.last_seen;
    j["had_user_interaction"] = r.had_user_interaction;
    j["last_seen_isodate"] = timeconv::unix_to_iso(r.last_seen);
    j["domain"] = json_text(r.domain);
    j["path"] = json_text(r.path);
    put_optional_time(j, "most_recent_user_interaction_time", r.most_recent_user_interaction_time);
    put_optional_time(j, "most_recent_web_push_interaction_time", r.most_recent_web_push_interaction_time);
    return j;
  }

  [[nodiscard]] std::optional<ObservedDomain> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("registrable_domain")) return std::nullopt;
    ObservedDomain r;
    r.domain_id = stored.value("domain_id", std::int64_t{0});
    r.registrable_domain = stored.value("registrable_domain", "");
    r.last_seen = optional_number(stored, "last_seen").value_or(0);
    r.had_user_interaction = stored.value("had_user_interaction", false);
    r.domain = stored.value("domain", "");
    r.path = stored.value("path", "");
    return r;
  }

  void check(ModuleContext& ctx, const ObservedDomain& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_url(r.registrable_domain)) {
      ctx.alert(AlertLevel::kCritical, *match, "", json, r.domain + "/" + r.path);
    }
  }

  void timeline(ModuleContext& ctx, const ObservedDomain& r) const override {
    std::string data = "Webkit resource loaded from " + utf8_backslashreplace(r.registrable_domain);
    if (!r.domain.empty()) data += " by app in domain " + utf8_backslashreplace(r.domain);
    ctx.timeline(timeconv::unix_to_iso(r.last_seen), "visit", std::move(data));
  }
};

}  // namespace

Result<std::vector<ObservedDomain>> parse_observed_domains(const sqlite::Database& db, const std::string& domain,
                                                           const std::string& path) {
  // The interaction times came with later WebKit releases.
  static const SqlSelect kSelect{
      .tables = {"ObservedDomains"},
      .columns = {{"ObservedDomains", "domainID", "domainID"},
                  {"ObservedDomains", "registrableDomain", "registrableDomain"},
                  {"ObservedDomains", "lastSeen", "lastSeen", Need::kOptional},
                  {"ObservedDomains", "hadUserInteraction", "hadUserInteraction", Need::kOptional},
                  {"ObservedDomains", "mostRecentUserInteractionTime", "user_time", Need::kOptional},
                  {"ObservedDomains", "mostRecentWebPushInteractionTime", "push_time", Need::kOptional}},
      .rest = "FROM ObservedDomains",
  };
  std::vector<ObservedDomain> out;
  auto ok = select_rows(db, kSelect, [&](const sqlite::Statement& row) {
    ObservedDomain r;
    r.domain_id = row.integer("domainID");
    r.registrable_domain = row.text("registrableDomain");
    r.last_seen = row.real("lastSeen");
    r.had_user_interaction = row.integer("hadUserInteraction") != 0;
    r.domain = domain;
    r.path = path;
    if (!row.is_null("user_time")) r.most_recent_user_interaction_time = row.real("user_time");
    if (!row.is_null("push_time")) r.most_recent_web_push_interaction_time = row.real("push_time");
    out.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return out;
}

const ModuleDescriptor& webkit_resource_load_statistics_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.webkit_resource_load_statistics",
      .slug = "webkit_resource_load_statistics",
      .mvt_class = "WebkitResourceLoadStatistics",
      .description =
          "Domains that loaded resources in Safari or in apps' web views (WebKit observations.db), "
          "checked against domain indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "",
                     .relative_path = "Library/WebKit/WebsiteData/ResourceLoadStatistics/observations.db",
                     .fs_glob = ""}},
      .timestamp_fields = {"last_seen_isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = [](const sqlite::Database& db) -> Result<std::size_t> {
        auto domains = parse_observed_domains(db, "AppDomain-com.apple.mobilesafari", "observations.db");
        if (!domains) return std::move(domains).error();
        return domains->size();
      }},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_webkit_resource_load_statistics() {
  return std::make_unique<WebkitResourceLoadStatistics>();
}

}  // namespace lumiere::modules::ios
