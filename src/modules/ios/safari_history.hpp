#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One Safari visit (history_items ⋈ history_visits).
struct SafariVisit {
  std::int64_t id = 0;  // history_items.id
  std::string url;
  std::int64_t visit_id = 0;
  double timestamp = 0;  // history_visits.visit_time, Mac absolute time
  std::string isodate;   // timestamp as ISO text
  std::optional<std::int64_t> redirect_source;
  std::optional<std::int64_t> redirect_destination;
  std::string safari_history_db;  // the file inside the backup ("1a/1a0e…"), as MVT's relpath
  std::string provenance;         // "<domain>/<relativePath>"
};

// Every visit, by visit time. Older History.db files without the redirect columns give null redirects;
// kUnsupported when history_items/history_visits lack the core columns.
Result<std::vector<SafariVisit>> parse_safari_history(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
