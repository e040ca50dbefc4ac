// Artifact: Chrome for iOS "History" database (AppDomain-com.google.chrome.ios, Default profile); the urls and
// visits tables keep the same core columns from old Chrome releases (urls.favicon_id, visits.is_indexed) to
// current ones (visits.opener_visit, originator_*). Reference: Chromium components/history/core/browser.
#include "modules/ios/chrome_history.hpp"

#include <fmt/core.h>

#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& chrome_history_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array kFields{
    field<&ChromeVisit::id>("id", "id"),
    field<&ChromeVisit::url, Text::kOnWrite>("url", "url"),
    field<&ChromeVisit::visit_id>("visit_id", "visit_id"),
    field<&ChromeVisit::timestamp>("timestamp", "visit_time"),
    field<&ChromeVisit::isodate>("isodate"),
    field<&ChromeVisit::redirect_source>("redirect_source", "from_visit"),
};

const SqlSelect kSelect{
    .tables = {"urls", "visits"},
    .columns = {{"urls", "id", "id"},
                {"urls", "url", "url"},
                {"visits", "id", "visit_id", Need::kOptional},
                {"visits", "url", "visit_url"},
                {"visits", "visit_time", "visit_time", Need::kOptional},
                {"visits", "from_visit", "from_visit", Need::kOptional}},
    .rest = "FROM urls JOIN visits ON visits.url = urls.id ORDER BY visits.visit_time",
};

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

  [[nodiscard]] Json to_json(const ChromeVisit& v) const override { return fields_to_json<ChromeVisit>(kFields, v); }

  [[nodiscard]] std::optional<ChromeVisit> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url")) return std::nullopt;
    return fields_from_json<ChromeVisit>(kFields, stored);
  }

  void check(ModuleContext& ctx, const ChromeVisit& v, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_url(v.url)) ctx.alert(AlertLevel::kCritical, *match, "", json, provenance(ctx));
  }

  void timeline(ModuleContext& ctx, const ChromeVisit& v) const override {
    ctx.timeline(v.isodate, "visit",
                 fmt::format("{} - {} (visit ID: {}, redirect source: {})", v.id, utf8_backslashreplace(v.url),
                             v.visit_id, python_str(v.redirect_source ? Json(*v.redirect_source) : Json(nullptr))));
  }

 private:
  static std::string provenance(const ModuleContext& ctx) {
    const auto& location = ctx.descriptor().locations.front();
    return std::string(location.domain) + "/" + std::string(location.relative_path);
  }
};

}  // namespace

Result<std::vector<ChromeVisit>> parse_chrome_history(const sqlite::Database& db) {
  return select_records<ChromeVisit>(db, kSelect, kFields, [](ChromeVisit& v, const sqlite::Statement&) {
    v.isodate = timeconv::chrome_to_iso(v.timestamp);
  });
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
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = &parse_entry<&parse_chrome_history, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_chrome_history() {
  return std::make_unique<ChromeHistory>();
}

}  // namespace lumiere::modules::ios
