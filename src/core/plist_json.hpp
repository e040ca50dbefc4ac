// Plist values as MVT's JSON encoder writes them: dates as Python str(datetime), bytes as UTF-8 text with
// \xNN for invalid bytes (or base64 where a module asks for it), dictionaries in file order.
#pragma once

#include <string>

#include "core/json.hpp"
#include "core/plist.hpp"

namespace lumiere {

// Python str() of a naive datetime: "YYYY-MM-DD HH:MM:SS" plus ".ffffff" when the microseconds are not 0.
std::string python_datetime_str(const plist::Date& date);
// The same instant in MVT's `iso` format (always 6 fractional digits).
std::string plist_date_iso(const plist::Date& date);

Json plist_to_json(const plist::Value& value);

}  // namespace lumiere
