// Artifact: Firefox for iOS profile database browser.db (AppDomainGroup-group.org.mozilla.ios.Firefox,
// profile.profile/browser.db): tables history and visits (visits.date in microseconds since 1970). Newer
// Firefox releases moved history to places.db; browser.db is what the spec reads.
#include "modules/ios/firefox_history.hpp"

#include <fmt/core.h>

#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& firefox_history_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr double kMicrosPerSecond = 1e6;

constexpr std::array kFields{
    field<&FirefoxVisit::id>("id", "id"),
    field<&FirefoxVisit::isodate>("isodate"),
    field<&FirefoxVisit::url, Text::kOnWrite>("url", "url"),
    field<&FirefoxVisit::title, Text::kOnWrite>("title", "title"),
    field<&FirefoxVisit::is_local>("i1000000s_local", "is_local"),  // sic: MVT's key for visits.is_local
    field<&FirefoxVisit::type>("type", "type"),
};

const SqlSelect kSelect{
    .tables = {"history", "visits"},
    .columns = {{"history", "id", "history_id"},
                {"history", "url", "url"},
                {"history", "title", "title", Need::kOptional},
                {"visits", "id", "id"},
                {"visits", "siteID", "site_id"},
                {"visits", "date", "date", Need::kOptional},
                {"visits", "type", "type", Need::kOptional},
                {"visits", "is_local", "is_local", Need::kOptional}},
    .rest = "FROM visits, history WHERE visits.siteID = history.id ORDER BY visits.id",
};

class FirefoxHistory final : public RecordModule<FirefoxVisit> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return firefox_history_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<FirefoxVisit>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    auto visits = parse_artifact_database<std::vector<FirefoxVisit>>(ctx, files->front(), parse_firefox_history);
    if (visits) {
      ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} history items", visits->size()));
    }
    return visits;
  }

  [[nodiscard]] Json to_json(const FirefoxVisit& v) const override { return fields_to_json<FirefoxVisit>(kFields, v); }

  [[nodiscard]] std::optional<FirefoxVisit> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    auto v = fields_from_json<FirefoxVisit>(kFields, stored);
    if (auto micros = timeconv::parse_iso(v->isodate)) v->date = static_cast<double>(*micros);
    return v;
  }

  void check(ModuleContext& ctx, const FirefoxVisit& v, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    const auto& location = ctx.descriptor().locations.front();
    if (auto match = iocs->match_url(v.url)) {
      ctx.alert(AlertLevel::kCritical, *match, "", json,
                std::string(location.domain) + "/" + std::string(location.relative_path));
    }
  }

  void timeline(ModuleContext& ctx, const FirefoxVisit& v) const override {
    ctx.timeline(v.isodate, "firefox_history",
                 fmt::format("Firefox visit with ID {} to URL: {}", v.id, utf8_backslashreplace(v.url)));
  }
};

}  // namespace

Result<std::vector<FirefoxVisit>> parse_firefox_history(const sqlite::Database& db) {
  return select_records<FirefoxVisit>(db, kSelect, kFields, [](FirefoxVisit& v, const sqlite::Statement& row) {
    v.date = row.real("date");
    v.isodate = timeconv::unix_to_iso(v.date / kMicrosPerSecond);
  });
}

const ModuleDescriptor& firefox_history_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.firefox_history",
      .slug = "firefox_history",
      .mvt_class = "FirefoxHistory",
      .description = "Pages visited in Firefox for iOS (browser.db visits), checked against URL and domain indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "AppDomainGroup-group.org.mozilla.ios.Firefox",
                     .relative_path = "profile.profile/browser.db",
                     .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = &parse_entry<&parse_firefox_history, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_firefox_history() {
  return std::make_unique<FirefoxHistory>();
}

}  // namespace lumiere::modules::ios
