// Artifact: Firefox for iOS profile database browser.db (AppDomainGroup-group.org.mozilla.ios.Firefox,
// profile.profile/browser.db): favicons (date in Unix seconds), favicon_sites (siteID → faviconID), history.
// Reference: firefox-ios Storage/SQL/BrowserSchema.swift.
#include "modules/ios/firefox_favicon.hpp"

#include <fmt/core.h>

#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& firefox_favicon_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array kFields{
    field<&FirefoxFaviconRecord::id>("id", "id"),
    field<&FirefoxFaviconRecord::url, Text::kOnWrite>("url", "url"),
    field<&FirefoxFaviconRecord::width>("width", "width"),
    field<&FirefoxFaviconRecord::height>("height", "height"),
    field<&FirefoxFaviconRecord::type>("type", "type"),
    field<&FirefoxFaviconRecord::isodate>("isodate"),
    field<&FirefoxFaviconRecord::history_id>("history_id", "history_id"),
    field<&FirefoxFaviconRecord::history_url, Text::kOnWrite>("history_url", "history_url"),
};

const SqlSelect kSelect{
    .tables = {"favicons", "favicon_sites", "history"},
    .columns = {{"favicons", "id", "id"},
                {"favicons", "url", "url"},
                {"favicons", "width", "width", Need::kOptional},
                {"favicons", "height", "height", Need::kOptional},
                {"favicons", "type", "type", Need::kOptional},
                {"favicons", "date", "date", Need::kOptional},
                {"favicon_sites", "siteID", "site_id"},
                {"favicon_sites", "faviconID", "favicon_id"},
                {"history", "id", "history_id"},
                {"history", "url", "history_url"}},
    .rest =
        "FROM favicon_sites JOIN favicons ON favicon_sites.faviconID = favicons.id "
        "JOIN history ON favicon_sites.siteID = history.id ORDER BY favicons.id, history.id",
};

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
    return fields_to_json<FirefoxFaviconRecord>(kFields, r);
  }

  [[nodiscard]] std::optional<FirefoxFaviconRecord> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    return fields_from_json<FirefoxFaviconRecord>(kFields, stored);
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
    ctx.timeline(r.isodate, "firefox_history",
                 fmt::format("Firefox favicon {} when visiting {}", utf8_backslashreplace(r.url),
                             utf8_backslashreplace(r.history_url)));
  }
};

}  // namespace

Result<std::vector<FirefoxFaviconRecord>> parse_firefox_favicons(const sqlite::Database& db) {
  return select_records<FirefoxFaviconRecord>(db, kSelect, kFields,
                                              [](FirefoxFaviconRecord& r, const sqlite::Statement& row) {
                                                r.date = row.real("date");
                                                r.isodate = timeconv::unix_to_iso(r.date);
                                              });
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
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = &parse_entry<&parse_firefox_favicons, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_firefox_favicon() {
  return std::make_unique<FirefoxFavicon>();
}

}  // namespace lumiere::modules::ios
