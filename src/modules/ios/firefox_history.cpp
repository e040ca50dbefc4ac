// Artifact: Firefox for iOS profile database browser.db (AppDomainGroup-group.org.mozilla.ios.Firefox,
// profile.profile/browser.db): tables history and visits (visits.date in microseconds since 1970). Newer
// Firefox releases moved history to places.db; browser.db is what the spec reads.
#include "modules/ios/firefox_history.hpp"

#include <fmt/core.h>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

constexpr double kMicrosPerSecond = 1e6;

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

  [[nodiscard]] Json to_json(const FirefoxVisit& v) const override {
    Json j = Json::object();
    j["id"] = v.id;
    j["isodate"] = timeconv::unix_to_iso(v.date / kMicrosPerSecond);
    j["url"] = json_text(v.url);
    j["title"] = json_text(v.title);
    j["i1000000s_local"] = optional_json(v.is_local);  // sic: MVT's key for visits.is_local
    j["type"] = optional_json(v.type);
    return j;
  }

  [[nodiscard]] std::optional<FirefoxVisit> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    FirefoxVisit v;
    v.id = stored.value("id", std::int64_t{0});
    v.url = stored.value("url", "");
    v.title = stored.value("title", "");
    v.is_local = optional_field(stored, "i1000000s_local");
    v.type = optional_field(stored, "type");
    if (auto micros = timeconv::parse_iso(stored.value("isodate", ""))) v.date = static_cast<double>(*micros);
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
    ctx.timeline(timeconv::unix_to_iso(v.date / kMicrosPerSecond), "firefox_history",
                 fmt::format("Firefox visit with ID {} to URL: {}", v.id, utf8_backslashreplace(v.url)));
  }
};

}  // namespace

Result<std::vector<FirefoxVisit>> parse_firefox_history(const sqlite::Database& db) {
  auto history = table_columns(db, "history");
  if (!history) return std::move(history).error();
  auto visits = table_columns(db, "visits");
  if (!visits) return std::move(visits).error();
  if (!history->has_all({"id", "url", "title"}))
    return unsupported_schema(db, "table history has no column id, url or title");
  if (!visits->has_all({"id", "siteID", "date", "type", "is_local"})) {
    return unsupported_schema(db, "table visits has no column id, siteID, date, type or is_local");
  }
  auto stmt = db.prepare(
      "SELECT visits.id AS id, visits.date AS date, history.url AS url, history.title AS title, visits.is_local AS "
      "is_local, visits.type AS type FROM visits, history WHERE visits.siteID = history.id ORDER BY visits.id");
  if (!stmt) return std::move(stmt).error();
  std::vector<FirefoxVisit> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    FirefoxVisit v;
    v.id = stmt->integer("id");
    v.date = stmt->real("date");
    v.url = stmt->text("url");
    v.title = stmt->text("title");
    v.is_local = stmt->optional_integer("is_local");
    v.type = stmt->optional_integer("type");
    out.push_back(std::move(v));
  }
  return out;
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
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_firefox_history() {
  return std::make_unique<FirefoxHistory>();
}

}  // namespace lumiere::modules::ios
