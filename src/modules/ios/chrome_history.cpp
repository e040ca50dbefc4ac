// Artifact: Chrome for iOS "History" database (AppDomain-com.google.chrome.ios, Default profile); the urls and
// visits tables keep the same core columns from old Chrome releases (urls.favicon_id, visits.is_indexed) to
// current ones (visits.opener_visit, originator_*). Reference: Chromium components/history/core/browser.
#include "modules/ios/chrome_history.hpp"

#include <fmt/core.h>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

Json redirect_json(const std::optional<std::int64_t>& value) {
  return value ? Json(*value) : Json(nullptr);
}

std::string optional_python_str(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : std::string("None");
}

class ChromeHistory final : public RecordModule<ChromeVisit> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return chrome_history_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ChromeVisit>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    const auto& file = files->front();
    auto visits = parse_artifact_database<std::vector<ChromeVisit>>(ctx, file, parse_chrome_history);
    if (visits) {
      ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} history items", visits->size()));
    }
    return visits;
  }

  [[nodiscard]] Json to_json(const ChromeVisit& v) const override {
    Json j = Json::object();
    j["id"] = v.id;
    j["url"] = json_text(v.url);
    j["visit_id"] = v.visit_id;
    j["timestamp"] = v.timestamp;
    j["isodate"] = timeconv::chrome_to_iso(v.timestamp);
    j["redirect_source"] = redirect_json(v.redirect_source);
    return j;
  }

  [[nodiscard]] std::optional<ChromeVisit> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    ChromeVisit v;
    v.id = stored.value("id", std::int64_t{0});
    v.url = stored.value("url", "");
    v.visit_id = stored.value("visit_id", std::int64_t{0});
    v.timestamp = stored.value("timestamp", std::int64_t{0});
    if (const auto it = stored.find("redirect_source"); it != stored.end() && it->is_number_integer()) {
      v.redirect_source = it->get<std::int64_t>();
    }
    return v;
  }

  void check(ModuleContext& ctx, const ChromeVisit& v, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_url(v.url)) ctx.alert(AlertLevel::kCritical, *match, "", json, provenance(ctx));
  }

  void timeline(ModuleContext& ctx, const ChromeVisit& v) const override {
    ctx.timeline(timeconv::chrome_to_iso(v.timestamp), "visit",
                 fmt::format("{} - {} (visit ID: {}, redirect source: {})", v.id, utf8_backslashreplace(v.url),
                             v.visit_id, optional_python_str(v.redirect_source)));
  }

 private:
  static std::string provenance(const ModuleContext& ctx) {
    const auto& location = ctx.descriptor().locations.front();
    return std::string(location.domain) + "/" + std::string(location.relative_path);
  }
};

}  // namespace

Result<std::vector<ChromeVisit>> parse_chrome_history(const sqlite::Database& db) {
  auto urls = table_columns(db, "urls");
  if (!urls) return std::move(urls).error();
  auto visits = table_columns(db, "visits");
  if (!visits) return std::move(visits).error();
  if (!urls->has_all({"id", "url"})) return unsupported_schema(db, "table urls has no column id or url");
  if (!visits->has_all({"id", "url", "visit_time", "from_visit"})) {
    return unsupported_schema(db, "table visits has no column id, url, visit_time or from_visit");
  }
  auto stmt = db.prepare(
      "SELECT urls.id AS id, urls.url AS url, visits.id AS visit_id, visits.visit_time AS visit_time, "
      "visits.from_visit AS from_visit FROM urls JOIN visits ON visits.url = urls.id ORDER BY visits.visit_time");
  if (!stmt) return std::move(stmt).error();
  std::vector<ChromeVisit> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    ChromeVisit v;
    v.id = stmt->integer("id");
    v.url = stmt->text("url");
    v.visit_id = stmt->integer("visit_id");
    v.timestamp = stmt->integer("visit_time");
    v.redirect_source = stmt->optional_integer("from_visit");
    out.push_back(std::move(v));
  }
  return out;
}

const ModuleDescriptor& chrome_history_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.chrome_history",
      .slug = "chrome_history",
      .mvt_class = "ChromeHistory",
      .description = "Pages visited in Chrome for iOS (History database), checked against URL and domain indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "AppDomain-com.google.chrome.ios",
                     .relative_path = "Library/Application Support/Google/Chrome/Default/History",
                     .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_chrome_history() {
  return std::make_unique<ChromeHistory>();
}

}  // namespace lumiere::modules::ios
