// Artifact: Chrome for iOS "Favicons" database (AppDomain-com.google.chrome.ios, Default profile): tables
// icon_mapping, favicons, favicon_bitmaps. favicon_bitmaps.last_requested was added in later
// Chrome releases; older files only have last_updated. Reference: Chromium components/favicon/core/favicon_database.cc.
#include "modules/ios/chrome_favicon.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& chrome_favicon_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array kFields{
    field<&ChromeFaviconRecord::url, Text::kOnWrite>("url", "page_url"),
    field<&ChromeFaviconRecord::icon_url, Text::kOnWrite>("icon_url", "icon_url"),
    field<&ChromeFaviconRecord::timestamp>("timestamp", "last_updated"),
    field<&ChromeFaviconRecord::isodate>("isodate"),
};

const SqlSelect kSelect{
    .tables = {"icon_mapping", "favicons", "favicon_bitmaps"},
    .columns = {{"icon_mapping", "page_url", "page_url"},
                {"icon_mapping", "icon_id", "mapping_icon_id"},
                {"favicons", "id", "favicon_id"},
                {"favicons", "url", "icon_url"},
                {"favicon_bitmaps", "icon_id", "bitmap_icon_id"},
                {"favicon_bitmaps", "last_updated", "last_updated", Need::kOptional},
                {"favicon_bitmaps", "last_requested", "last_requested", Need::kOptional}},
    .rest =
        "FROM icon_mapping JOIN favicon_bitmaps ON icon_mapping.icon_id = favicon_bitmaps.icon_id "
        "JOIN favicons ON icon_mapping.icon_id = favicons.id",
};

class ChromeFavicon final : public RecordModule<ChromeFaviconRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return chrome_favicon_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ChromeFaviconRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    auto records =
        parse_artifact_database<std::vector<ChromeFaviconRecord>>(ctx, files->front(), parse_chrome_favicons);
    if (records) {
      ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} favicon records", records->size()));
    }
    return records;
  }

  [[nodiscard]] Json to_json(const ChromeFaviconRecord& r) const override {
    return fields_to_json<ChromeFaviconRecord>(kFields, r);
  }

  [[nodiscard]] std::optional<ChromeFaviconRecord> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    return fields_from_json<ChromeFaviconRecord>(kFields, stored);
  }

  void check(ModuleContext& ctx, const ChromeFaviconRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    const auto& location = ctx.descriptor().locations.front();
    const std::string provenance = std::string(location.domain) + "/" + std::string(location.relative_path);
    auto match = iocs->match_url(r.url);
    if (!match) match = iocs->match_url(r.icon_url);
    if (match) ctx.alert(AlertLevel::kCritical, *match, "", json, provenance);
  }

  void timeline(ModuleContext& ctx, const ChromeFaviconRecord& r) const override {
    ctx.timeline(r.isodate, "new_favicon",
                 fmt::format("{} from {}", utf8_backslashreplace(r.icon_url), utf8_backslashreplace(r.url)));
  }
};

}  // namespace

Result<std::vector<ChromeFaviconRecord>> parse_chrome_favicons(const sqlite::Database& db) {
  auto read = select_records<ChromeFaviconRecord>(db, kSelect, kFields,
                                                  [](ChromeFaviconRecord& r, const sqlite::Statement& row) {
                                                    if (r.timestamp == 0) r.timestamp = row.integer("last_requested");
                                                    r.isodate = timeconv::chrome_to_iso(r.timestamp);
                                                  });
  if (!read) return read;
  std::vector<ChromeFaviconRecord> out = std::move(*read);
  std::stable_sort(out.begin(), out.end(), [](const ChromeFaviconRecord& a, const ChromeFaviconRecord& b) {
    return a.timestamp < b.timestamp;
  });
  return out;
}

const ModuleDescriptor& chrome_favicon_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.chrome_favicon",
      .slug = "chrome_favicon",
      .mvt_class = "ChromeFavicon",
      .description =
          "Favicons of pages opened in Chrome for iOS (Favicons database), page and icon URLs checked "
          "against indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "AppDomain-com.google.chrome.ios",
                     .relative_path = "Library/Application Support/Google/Chrome/Default/Favicons",
                     .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = &parse_entry<&parse_chrome_favicons, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_chrome_favicon() {
  return std::make_unique<ChromeFavicon>();
}

}  // namespace lumiere::modules::ios
