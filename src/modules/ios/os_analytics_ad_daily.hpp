#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One process's network-usage baseline, as osanalyticshelper keeps it for the daily aggregate.
struct OsAnalyticsAdDailyRecord {
  std::string package;  // process name
  std::string ts;       // iso
  Json wifi_in;
  Json wifi_out;
  Json wwan_in;
  Json wwan_out;
  std::string provenance;  // backup file it came from (not in the JSON)
};

// netUsageBaseline: {process → [date, wifi in, wifi out, wwan in, wwan out]}.
Result<std::vector<OsAnalyticsAdDailyRecord>> parse_os_analytics_ad_daily(const plist::Value& addaily);

}  // namespace lumiere::modules::ios
