#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One IDS lookup: which handle (mailto:, tel:) the phone asked Apple's identity service about, for which
// service, when, and the answer.
struct IdStatusRecord {
  std::string package;  // service, e.g. com.apple.madrid (iMessage)
  std::string user;     // handle; NUL bytes written as the four characters \x00
  std::string isodate;
  Json idstatus;  // usually an integer (1 = registered, 2 = not registered)
  std::int64_t occurrences = 0;
  std::string provenance;  // backup file it came from (not in the JSON)
};

// {service → {handle → {LookupDate, IDStatus}}}; occurrences counted over the whole plist.
Result<std::vector<IdStatusRecord>> parse_id_status_cache(const plist::Value& cache);

}  // namespace lumiere::modules::ios
