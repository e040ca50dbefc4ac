#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One back/forward-list entry of a tab's saved session.
struct SessionEntry {
  std::string entry_title;       // SessionHistoryEntryOriginalURL (MVT's field mapping, kept for parity)
  std::string entry_url;         // SessionHistoryEntryURL
  std::int64_t data_length = 0;  // size of SessionHistoryEntryData
};

struct SafariTab {
  std::string tab_title;
  std::string tab_url;
  std::string tab_visible_url;
  double last_viewed_time = 0;  // Mac absolute time
  std::vector<SessionEntry> session_data;
  std::string safari_browser_state_db;  // the file inside the backup ("3a/3a47…"), as MVT's relpath
  std::string provenance;               // "<domain>/<relativePath>"
};

// The entries of a tab_sessions.session_data blob: a 4-byte header, then a binary plist whose
// SessionHistory.SessionHistoryEntries lists the entries. kParse when the blob is not that.
Result<std::vector<SessionEntry>> parse_session_data(std::span<const std::uint8_t> blob);

// Tabs joined with their sessions (iOS 12+); tabs alone when there is no tab_sessions table (older iOS).
// A session blob that does not decode leaves that tab's session_data empty and is listed in `bad_sessions`.
Result<std::vector<SafariTab>> parse_browser_state(const sqlite::Database& db, std::vector<std::string>* bad_sessions);

}  // namespace lumiere::modules::ios
