// Artifact: Firefox for iOS profile database browser.db (AppDomainGroup-group.org.mozilla.ios.Firefox,
// profile.profile/browser.db): favicons (date in Unix seconds), favicon_sites (siteID → faviconID), history.
// Reference: firefox-ios Storage/SQL/BrowserSchema.swift.
#include "modules/ios/firefox_favicon.hpp"

#include <fmt/core.h>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

class FirefoxFavicon final : public RecordModule<FirefoxFaviconRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return firefox_favicon_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<FirefoxFaviconRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    auto records =
        parse_artifact_database<std::vector<FirefoxFaviconRecord>>(ctx, files->front(), parse_firefox_favicons);
    if (records) {
      ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} favicon records", records->size()));
    }
    return records;
  }

  [[nodiscard]] Json to_json(const FirefoxFaviconRecord& r) const override {
    Json j = Json::object();
    j["id"] = r.id;
    j["url"] = json_text(r.url);
    j["width"] = optional_json(r.width);
    j["height"] = optional_json(r.height);
    j["type"] = optional_json(r.type);
    j["isodate"] = timeconv::unix_to_iso(r.date);
    j["history_id"] = r.history_id;
    j["history_url"] = json_text(r.history_url);
    return j;
  }

  [[nodiscard]] std::optional<FirefoxFaviconRecord> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    FirefoxFaviconRecord r;
    r.id = stored.value("id", std::int64_t{0});
    r.url = stored.value("url", "");
    r.history_id = stored.value("history_id", std::int64_t{0});
    r.history_url = stored.value("history_url", "");
    return r;
  }

  void check(ModuleContext& ctx, const FirefoxFaviconRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    const auto& location = ctx.descriptor().locations.front();
    auto match = iocs->match_url(r.url);
    if (!match) match = iocs->match_url(r.history_url);
    if (match) {
      ctx.alert(AlertLevel::kCritical, *match, "", json,
                std::string(location.domain) + "/" + std::string(location.relative_path));
    }
  }

  void timeline(ModuleContext& ctx, const FirefoxFaviconRecord& r) const override {
    ctx.timeline(timeconv::unix_to_iso(r.date), "firefox_history",
                 fmt::format("Firefox favicon {} when visiting {}", utf8_backslashreplace(r.url),
                             utf8_backslashreplace(r.history_url)));
  }
};

}  // namespace

Result<std::vector<FirefoxFaviconRecord>> parse_firefox_favicons(const sqlite::Database& db) {
  auto favicons = table_columns(db, "favicons");
  if (!favicons) return std::move(favicons).error();
  auto sites = table_columns(db, "favicon_sites");
  if (!sites) return std::move(sites).error();
  auto history = table_columns(db, "history");
  if (!history) return std::move(history).error();
  if (!favicons->has_all({"id", "url", "width", "height", "type", "date"})) {
    return unsupported_schema(db, "table favicons has no column id, url, width, height, type or date");
  }
  if (!sites->has_all({"siteID", "faviconID"})) {
    return unsupported_schema(db, "table favicon_sites has no column siteID or faviconID");
  }
  if (!history->has_all({"id", "url"})) return unsupported_schema(db, "table history has no column id or url");
  auto stmt = db.prepare(
      "SELECT favicons.id AS id, favicons.url AS url, favicons.width AS width, favicons.height AS height, "
      "favicons.type AS type, favicons.date AS date, history.id AS history_id, history.url AS history_url "
      "FROM favicon_sites JOIN favicons ON favicon_sites.faviconID = favicons.id "
      "JOIN history ON favicon_sites.siteID = history.id ORDER BY favicons.id, history.id");
  if (!stmt) return std::move(stmt).error();
  std::vector<FirefoxFaviconRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    FirefoxFaviconRecord r;
    r.id = stmt->integer("id");
    r.url = stmt->text("url");
    r.width = stmt->optional_integer("width");
    r.height = stmt->optional_integer("height");
    r.type = stmt->optional_integer("type");
    r.date = stmt->real("date");
    r.history_id = stmt->integer("history_id");
    r.history_url = stmt->text("history_url");
    out.push_back(std::move(r));
  }
  return out;
}

const ModuleDescriptor& firefox_favicon_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.firefox_favicon",
      .slug = "firefox_favicon",
      .mvt_class = "FirefoxFavicon",
      .description = "Favicons stored by Firefox for iOS (browser.db), icon and page URLs checked against indicators",
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

std::unique_ptr<Module> make_firefox_favicon() {
  return std::make_unique<FirefoxFavicon>();
}

}  // namespace lumiere::modules::ios
