// Artifact: Safari's History.db (Library/Safari/History.db, and since iOS 17 one per profile in
// Library/Safari/Profiles/*/History.db), tables history_items and history_visits (visit_time in Mac absolute
// time; redirect_source/redirect_destination link the visits of a redirect chain).
#include "modules/ios/safari_history.hpp"

#include <fmt/core.h>

#include <array>
#include <map>
#include <utility>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& safari_history_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr double kMicrosPerMilli = 1000.0;

constexpr std::array kFields{
    field<&SafariVisit::id>("id", "id"),
    field<&SafariVisit::url, Text::kOnWrite>("url", "url"),
    field<&SafariVisit::visit_id>("visit_id", "visit_id"),
    field<&SafariVisit::timestamp>("timestamp", "visit_time"),
    field<&SafariVisit::isodate>("isodate"),
    field<&SafariVisit::redirect_source>("redirect_source", "redirect_source"),
    field<&SafariVisit::redirect_destination>("redirect_destination", "redirect_destination"),
    field<&SafariVisit::safari_history_db, Text::kOnWrite>("safari_history_db"),
};

const SqlSelect kSelect{
    .tables = {"history_items", "history_visits"},
    .columns = {{"history_items", "id", "id"},
                {"history_items", "url", "url"},
                {"history_visits", "id", "visit_id", Need::kOptional},
                {"history_visits", "history_item", "history_item"},
                {"history_visits", "visit_time", "visit_time", Need::kOptional},
                // Older History.db files have no redirect columns.
                {"history_visits", "redirect_source", "redirect_source", Need::kOptional},
                {"history_visits", "redirect_destination", "redirect_destination", Need::kOptional}},
    .rest =
        "FROM history_items JOIN history_visits ON history_visits.history_item = history_items.id "
        "ORDER BY history_visits.visit_time",
};

// The URL's network location (host and port) as Python's urlparse netloc: what two visits are compared on.
std::string netloc(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  const auto end = rest.find_first_of("/?#");
  return std::string(rest.substr(0, end));
}

// Always-on heuristic: an http:// visit redirected within the same second to another host, the shape of the
// network-injection redirects seen in Pegasus cases.
void find_injections(ModuleContext& ctx, const std::vector<SafariVisit>& visits) {
  std::map<std::pair<std::string, std::int64_t>, std::size_t> by_visit;
  for (std::size_t i = 0; i < visits.size(); ++i)
    by_visit.emplace(std::pair{visits[i].safari_history_db, visits[i].visit_id}, i);
  for (std::size_t i = 0; i < visits.size(); ++i) {
    const auto& origin = visits[i];
    if (!origin.url.starts_with("http://") || !origin.redirect_destination) continue;
    const auto found = by_visit.find({origin.safari_history_db, *origin.redirect_destination});
    if (found == by_visit.end()) continue;
    const auto& destination = visits[found->second];
    if (netloc(origin.url) == netloc(destination.url)) continue;
    const auto origin_time = timeconv::parse_iso(timeconv::mac_to_iso(origin.timestamp));
    const auto destination_time = timeconv::parse_iso(timeconv::mac_to_iso(destination.timestamp));
    if (!origin_time || !destination_time) continue;
    const std::int64_t delta = *destination_time - *origin_time;
    if (delta < 0 || delta >= kMicrosPerSecond) continue;  // Python timedelta.seconds == 0
    ctx.set_record_index(i);
    ctx.alert(AlertLevel::kMedium,
              fmt::format("Redirect took less than a second! ({} milliseconds)",
                          python_str(Json(static_cast<double>(delta) / kMicrosPerMilli))),
              timeconv::mac_to_iso(origin.timestamp), fields_to_json<SafariVisit>(kFields, origin), origin.provenance);
  }
  ctx.set_record_index(std::nullopt);
}

class SafariHistory final : public RecordModule<SafariVisit> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return safari_history_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<SafariVisit>> extract(ModuleContext& ctx) const override {
    auto visits = extract_each_artifact<SafariVisit>(ctx, [&ctx](const sources::BackupFile& file) {
      auto rows = parse_artifact_database<std::vector<SafariVisit>>(ctx, file, parse_safari_history);
      if (rows) {
        for (auto& v : *rows) v.safari_history_db = file.stored_path();
      }
      return rows;
    });
    if (!visits) return visits;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} history records", visits->size()));
    return visits;
  }

  [[nodiscard]] Json to_json(const SafariVisit& v) const override { return fields_to_json<SafariVisit>(kFields, v); }

  [[nodiscard]] std::optional<SafariVisit> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("url") || !stored.contains("visit_id")) return std::nullopt;
    auto v = fields_from_json<SafariVisit>(kFields, stored);
    if (v) v->provenance = v->safari_history_db;
    return v;
  }

  bool whole_set(ModuleContext& ctx, std::vector<SafariVisit>& visits) const override {
    find_injections(ctx, visits);
    return false;
  }

  void check(ModuleContext& ctx, const SafariVisit& v, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_url(v.url)) ctx.alert(AlertLevel::kCritical, *match, "", json, v.provenance);
  }

  void timeline(ModuleContext& ctx, const SafariVisit& v) const override {
    ctx.timeline(
        v.isodate, "safari_history",
        fmt::format("Safari visit to {} (ID: {}, Visit ID: {})", utf8_backslashreplace(v.url), v.id, v.visit_id));
  }
};

}  // namespace

Result<std::vector<SafariVisit>> parse_safari_history(const sqlite::Database& db) {
  return select_records<SafariVisit>(db, kSelect, kFields, [](SafariVisit& v, const sqlite::Statement&) {
    v.isodate = timeconv::mac_to_iso(v.timestamp);
  });
}

const ModuleDescriptor& safari_history_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.safari_history",
      .slug = "safari_history",
      .mvt_class = "SafariHistory",
      .description =
          "Safari visits (History.db, every profile), checked against indicators; flags http:// "
          "redirects to another site within a second (network injection)",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "", .relative_path = "Library/Safari/History.db", .fs_glob = ""},
                    {.domain = "", .relative_path = "Library/Safari/Profiles/*/History.db", .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = &parse_entry<&parse_safari_history, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_safari_history() {
  return std::make_unique<SafariHistory>();
}

}  // namespace lumiere::modules::ios
