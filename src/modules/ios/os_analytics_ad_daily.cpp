// Artifact: HomeDomain Library/Preferences/com.apple.osanalytics.addaily.plist (iOS 12+): key
// netUsageBaseline maps process names to [date, WiFi in, WiFi out, WWAN in, WWAN out]. Pegasus process names
// were found there in Amnesty's 2021 cases. Spec §3.3 OSAnalyticsADDaily.
#include "modules/ios/os_analytics_ad_daily.hpp"

#include <fmt/core.h>

#include <cmath>

#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {
namespace {

// Positions in each netUsageBaseline list: [date, WiFi in, WiFi out, WWAN in, WWAN out].
constexpr std::size_t kDate = 0;
constexpr std::size_t kWifiIn = 1;
constexpr std::size_t kWifiOut = 2;
constexpr std::size_t kWwanIn = 3;
constexpr std::size_t kWwanOut = 4;
constexpr std::size_t kColumnCount = 5;

std::string baseline_time(const plist::Value& value) {
  if (const auto* date = value.get_if<plist::Date>()) return plist_date_iso(*date);
  if (const auto* real = value.get_if<double>()) return timeconv::mac_to_iso(*real);
  if (const auto* integer = value.get_if<std::int64_t>()) return timeconv::mac_to_iso(*integer);
  return "";
}

// Python's str() of a number as MVT's f-string prints it (1.0 stays "1.0").
std::string analytics_python_str(const Json& value) {
  if (value.is_null()) return "None";
  if (value.is_number_float()) {
    const double d = value.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e16) return fmt::format("{:.1f}", d);
    return fmt::format("{}", d);
  }
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

class OsAnalyticsAdDaily final : public RecordModule<OsAnalyticsAdDailyRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return os_analytics_ad_daily_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<OsAnalyticsAdDailyRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_plist<OsAnalyticsAdDailyRecord>(ctx, parse_os_analytics_ad_daily);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(),
                   fmt::format("Extracted a total of {} com.apple.osanalytics.addaily entries", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const OsAnalyticsAdDailyRecord& r) const override {
    Json j = Json::object();
    j["package"] = json_text(r.package);
    j["ts"] = r.ts;
    j["wifi_in"] = r.wifi_in;
    j["wifi_out"] = r.wifi_out;
    j["wwan_in"] = r.wwan_in;
    j["wwan_out"] = r.wwan_out;
    return j;
  }

  [[nodiscard]] std::optional<OsAnalyticsAdDailyRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    OsAnalyticsAdDailyRecord r;
    r.package = stored.value("package", "");
    r.ts = stored.value("ts", "");
    r.wifi_in = stored.value("wifi_in", Json());
    r.wifi_out = stored.value("wifi_out", Json());
    r.wwan_in = stored.value("wwan_in", Json());
    r.wwan_out = stored.value("wwan_out", Json());
    return r;
  }

  void check(ModuleContext& ctx, const OsAnalyticsAdDailyRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr || r.package.empty()) return;
    if (auto match = iocs->match_process(r.package)) ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
  }

  void timeline(ModuleContext& ctx, const OsAnalyticsAdDailyRecord& r) const override {
    ctx.timeline(r.ts, "osanalytics_addaily",
                 fmt::format("{} WIFI IN: {} WIFI OUT: {} - WWAN IN: {} WWAN OUT: {}", r.package,
                             analytics_python_str(r.wifi_in), analytics_python_str(r.wifi_out),
                             analytics_python_str(r.wwan_in), analytics_python_str(r.wwan_out)));
  }
};

}  // namespace

Result<std::vector<OsAnalyticsAdDailyRecord>> parse_os_analytics_ad_daily(const plist::Value& addaily) {
  const plist::Value* baseline = addaily.find("netUsageBaseline");
  const auto* processes = baseline != nullptr ? baseline->get_if<plist::Dict>() : nullptr;
  if (processes == nullptr)
    return unexpected(ErrorCode::kUnsupported, "unsupported schema: no netUsageBaseline dictionary");
  std::vector<OsAnalyticsAdDailyRecord> records;
  for (const auto& [package, usage] : *processes) {
    const auto* values = usage.get_if<plist::Array>();
    if (values == nullptr || values->size() < kColumnCount) continue;
    records.push_back(OsAnalyticsAdDailyRecord{
        .package = package,
        .ts = baseline_time((*values)[kDate]),
        .wifi_in = plist_to_json((*values)[kWifiIn]),
        .wifi_out = plist_to_json((*values)[kWifiOut]),
        .wwan_in = plist_to_json((*values)[kWwanIn]),
        .wwan_out = plist_to_json((*values)[kWwanOut]),
        .provenance = {},
    });
  }
  return records;
}

const ModuleDescriptor& os_analytics_ad_daily_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.os_analytics_ad_daily",
      .slug = "os_analytics_ad_daily",
      .mvt_class = "OSAnalyticsADDaily",
      .description =
          "Per-process network usage baselines (com.apple.osanalytics.addaily.plist); checks process "
          "names against indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/Preferences/com.apple.osanalytics.addaily.plist",
                     .fs_glob = ""}},
      .timestamp_fields = {"ts"},
      .dependencies = {},
      .shape = ResultsShape::kList,
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_os_analytics_ad_daily() {
  return std::make_unique<OsAnalyticsAdDaily>();
}

}  // namespace lumiere::modules::ios
