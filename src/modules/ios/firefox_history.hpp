#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One visit of Firefox for iOS (browser.db: visits ⋈ history on visits.siteID = history.id).
struct FirefoxVisit {
  std::int64_t id = 0;  // visits.id
  double date = 0;      // visits.date: µs since the Unix epoch
  std::string isodate;  // date as ISO text
  std::string url;
  std::string title;
  std::optional<std::int64_t> is_local;
  std::optional<std::int64_t> type;
};

Result<std::vector<FirefoxVisit>> parse_firefox_history(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
