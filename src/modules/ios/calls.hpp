#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One ZCALLRECORD row. Values keep SQLite's types (duration is a float, the number may be a BLOB).
struct CallRecord {
  std::string isodate;
  Json duration;
  Json location;
  Json number;
  Json provider;  // null when the database predates ZSERVICE_PROVIDER
};

Result<std::vector<CallRecord>> parse_calls(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
