// Artifact: Safari's History.db (Library/Safari/History.db, and since iOS 17 one per profile in
// Library/Safari/Profiles/*/History.db), tables history_items and history_visits (visit_time in Mac absolute
// time; redirect_source/redirect_destination link the visits of a redirect chain).
#include "modules/ios/safari_history.hpp"

#include <fmt/core.h>

#include <map>
#include <utility>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

constexpr std::int64_t kMicrosPerSecondInt = 1000000;
constexpr double kMicrosPerMilli = 1000.0;

// The URL's network location (host and port) as Python's urlparse netloc: what two visits are compared on.
std::string netloc(std::string_view url) {
  const auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return {};
  std::string_view rest = url.substr(scheme + 3);
  const auto end = rest.find_first_of("/?#");
  return std::string(rest.substr(0, end));
}

// Python's str() of a float: shortest round-trip digits, with ".0" on integral values.
std::string python_float(double value) {
  std::string text = fmt::format("{}", value);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

Json visit_json(const SafariVisit& v) {
  Json j = Json::object();
  j["id"] = v.id;
  j["url"] = json_text(v.url);
  j["visit_id"] = v.visit_id;
  j["timestamp"] = v.timestamp;
  j["isodate"] = timeconv::mac_to_iso(v.timestamp);
  j["redirect_source"] = optional_json(v.redirect_source);
  j["redirect_destination"] = optional_json(v.redirect_destination);
  j["safari_history_db"] = json_text(v.safari_history_db);
  return j;
}

std::optional<SafariVisit> visit_from_json(const Json& stored) {
  if (!stored.is_object() || !stored.contains("url") || !stored.contains("visit_id")) return std::nullopt;
  SafariVisit v;
  v.id = stored.value("id", std::int64_t{0});
  v.url = stored.value("url", "");
  v.visit_id = stored.value("visit_id", std::int64_t{0});
  if (const auto it = stored.find("timestamp"); it != stored.end() && it->is_number()) v.timestamp = it->get<double>();
  v.redirect_source = optional_field(stored, "redirect_source");
  v.redirect_destination = optional_field(stored, "redirect_destination");
  v.safari_history_db = stored.value("safari_history_db", "");
  v.provenance = v.safari_history_db;
  return v;
}

// Always-on heuristic: an http:// visit redirected within the same second to another host, the shape of the
// network-injection redirects seen in Pegasus cases.
void find_injections(ModuleContext& ctx, const std::vector<SafariVisit>& visits, const Json& results) {
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
    if (delta < 0 || delta >= kMicrosPerSecondInt) continue;  // Python timedelta.seconds == 0
    ctx.alert(AlertLevel::kMedium,
              fmt::format("Redirect took less than a second! ({} milliseconds)",
                          python_float(static_cast<double>(delta) / kMicrosPerMilli)),
              timeconv::mac_to_iso(origin.timestamp), results[i], origin.provenance);
  }
}

void check_all(ModuleContext& ctx, const std::vector<SafariVisit>& visits, const Json& results) {
  find_injections(ctx, visits, results);
  const auto* iocs = ctx.indicators();
  if (iocs == nullptr) return;
  for (std::size_t i = 0; i < visits.size(); ++i) {
    if (auto match = iocs->match_url(visits[i].url)) {
      ctx.alert(AlertLevel::kCritical, *match, "", results[i], visits[i].provenance);
    }
  }
}

class SafariHistory final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return safari_history_descriptor(); }

  Result<void> run(ModuleContext& ctx) override {
    auto visits = extract_each_artifact<SafariVisit>(ctx, [&ctx](const sources::BackupFile& file) {
      auto rows = parse_artifact_database<std::vector<SafariVisit>>(ctx, file, parse_safari_history);
      if (rows) {
        for (auto& v : *rows) v.safari_history_db = file.file_id.substr(0, 2) + "/" + file.file_id;
      }
      return rows;
    });
    if (!visits) return std::move(visits).error();
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} history records", visits->size()));

    Json results = Json::array();
    for (const auto& v : *visits) results.push_back(visit_json(v));
    check_all(ctx, *visits, results);
    for (const auto& v : *visits) {
      ctx.timeline(
          timeconv::mac_to_iso(v.timestamp), "safari_history",
          fmt::format("Safari visit to {} (ID: {}, Visit ID: {})", utf8_backslashreplace(v.url), v.id, v.visit_id));
    }
    if (!results.empty()) ctx.output().results = std::move(results);
    return {};
  }

  Result<void> recheck(ModuleContext& ctx, const Json& stored) override {
    if (!stored.is_array()) return unexpected(ErrorCode::kParse, "stored results are not a JSON list");
    std::vector<SafariVisit> visits;
    for (const Json& item : stored) {
      auto v = visit_from_json(item);
      if (!v) return unexpected(ErrorCode::kUnsupported, "stored record is not a Safari visit");
      visits.push_back(std::move(*v));
    }
    check_all(ctx, visits, stored);
    return {};
  }
};

}  // namespace

Result<std::vector<SafariVisit>> parse_safari_history(const sqlite::Database& db) {
  auto items = table_columns(db, "history_items");
  if (!items) return std::move(items).error();
  auto visits = table_columns(db, "history_visits");
  if (!visits) return std::move(visits).error();
  if (!items->has_all({"id", "url"})) return unsupported_schema(db, "table history_items has no column id or url");
  if (!visits->has_all({"id", "history_item", "visit_time"})) {
    return unsupported_schema(db, "table history_visits has no column id, history_item or visit_time");
  }
  const bool redirects = visits->has_all({"redirect_source", "redirect_destination"});
  auto stmt = db.prepare(
      fmt::format("SELECT history_items.id AS id, history_items.url AS url, history_visits.id AS visit_id, "
                  "history_visits.visit_time AS visit_time, {} AS redirect_source, {} AS redirect_destination "
                  "FROM history_items JOIN history_visits ON history_visits.history_item = history_items.id "
                  "ORDER BY history_visits.visit_time",
                  redirects ? "history_visits.redirect_source" : "NULL",
                  redirects ? "history_visits.redirect_destination" : "NULL"));
  if (!stmt) return std::move(stmt).error();
  std::vector<SafariVisit> out;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    SafariVisit v;
    v.id = stmt->integer("id");
    v.url = stmt->text("url");
    v.visit_id = stmt->integer("visit_id");
    v.timestamp = stmt->real("visit_time");
    v.redirect_source = stmt->optional_integer("redirect_source");
    v.redirect_destination = stmt->optional_integer("redirect_destination");
    out.push_back(std::move(v));
  }
  return out;
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
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_safari_history() {
  return std::make_unique<SafariHistory>();
}

}  // namespace lumiere::modules::ios
