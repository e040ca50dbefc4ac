#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One favicon of Firefox for iOS (favicons ⋈ favicon_sites ⋈ history).
struct FirefoxFaviconRecord {
  std::int64_t id = 0;  // favicons.id
  std::string url;
  std::optional<std::int64_t> width;
  std::optional<std::int64_t> height;
  std::optional<std::int64_t> type;
  double date = 0;  // favicons.date: Unix seconds
  std::string isodate;
  std::int64_t history_id = 0;
  std::string history_url;
};

Result<std::vector<FirefoxFaviconRecord>> parse_firefox_favicons(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
