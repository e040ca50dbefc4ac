#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One visit of Chrome's History database (urls ⋈ visits).
struct ChromeVisit {
  std::int64_t id = 0;  // urls.id
  std::string url;
  std::int64_t visit_id = 0;
  std::int64_t timestamp = 0;                   // visits.visit_time, Chrome µs since 1601
  std::string isodate;                          // timestamp as ISO text
  std::optional<std::int64_t> redirect_source;  // visits.from_visit
};

// Every visit, by visit time. kUnsupported when `urls` or `visits` lacks a needed column.
Result<std::vector<ChromeVisit>> parse_chrome_history(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
