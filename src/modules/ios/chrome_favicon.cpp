// Artifact: Chrome for iOS "Favicons" database (AppDomain-com.google.chrome.ios, Default profile): tables
// icon_mapping, favicons, favicon_bitmaps. favicon_bitmaps.last_requested was added in later
// Chrome releases; older files only have last_updated. Reference: Chromium components/favicon/core/favicon_database.cc.
#include "modules/ios/chrome_favicon.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

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
    Json j = Json::object();
    j["url"] = json_text(r.url);
    j["icon_url"] = json_text(r.icon_url);
    j["timestamp"] = r.timestamp;
    j["isodate"] = timeconv::chrome_to_iso(r.timestamp);
    return j;
  }

  [[nodiscard]] std::optional<ChromeFaviconRecord> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    ChromeFaviconRecord r;
    r.url = stored.value("url", "");
    r.icon_url = stored.value("icon_url", "");
    r.timestamp = stored.value("timestamp", std::int64_t{0});
    return r;
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
    ctx.timeline(timeconv::chrome_to_iso(r.timestamp), "new_favicon",
                 fmt::format("{} from {}", utf8_backslashreplace(r.icon_url), utf8_backslashreplace(r.url)));
  }
};

}  // namespace

Result<std::vector<ChromeFaviconRecord>> parse_chrome_favicons(const sqlite::Database& db) {
  auto mapping = table_columns(db, "icon_mapping");
  if (!mapping) return std::move(mapping).error();
  auto favicons = table_columns(db, "favicons");
  if (!favicons) return std::move(favicons).error();
  auto bitmaps = table_columns(db, "favicon_bitmaps");
  if (!bitmaps) return std::move(bitmaps).error();
  if (!mapping->has_all({"page_url", "icon_id"})) {
    return unsupported_schema(db, "table icon_mapping has no column page_url or icon_id");
  }
  if (!favicons->has_all({"id", "url"})) return unsupported_schema(db, "table favicons has no column id or url");
  if (!bitmaps->has_all({"icon_id", "last_updated"})) {
    return unsupported_schema(db, "table favicon_bitmaps has no column icon_id or last_updated");
  }
  const std::string last_requested =
      bitmaps->has("last_requested") ? "favicon_bitmaps.last_requested" : std::string("0");
  auto stmt = db.prepare(
      fmt::format("SELECT icon_mapping.page_url AS page_url, favicons.url AS icon_url, favicon_bitmaps.last_updated AS "
                  "last_updated, {} AS last_requested FROM icon_mapping JOIN favicon_bitmaps ON icon_mapping.icon_id = "
                  "favicon_bitmaps.icon_id JOIN favicons ON icon_mapping.icon_id = favicons.id",
                  last_requested));
  if (!stmt) return std::move(stmt).error();
  std::vector<ChromeFaviconRecord> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    ChromeFaviconRecord r;
    r.url = stmt->text("page_url");
    r.icon_url = stmt->text("icon_url");
    r.timestamp = stmt->integer("last_updated");
    if (r.timestamp == 0) r.timestamp = stmt->integer("last_requested");
    out.push_back(std::move(r));
  }
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
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_chrome_favicon() {
  return std::make_unique<ChromeFavicon>();
}

}  // namespace lumiere::modules::ios
