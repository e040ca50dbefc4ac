#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One page → icon mapping of Chrome's Favicons database, with the bitmap's update time.
struct ChromeFaviconRecord {
  std::string url;             // icon_mapping.page_url
  std::string icon_url;        // favicons.url
  std::int64_t timestamp = 0;  // favicon_bitmaps.last_updated, or last_requested when that is 0 (µs since 1601)
  std::string isodate;         // timestamp as ISO text
};

// icon_mapping ⋈ favicon_bitmaps ⋈ favicons, sorted by timestamp. Older databases without
// favicon_bitmaps.last_requested use last_updated alone.
Result<std::vector<ChromeFaviconRecord>> parse_chrome_favicons(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
