#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One ZSHORTCUT row with one of its ZSHORTCUTACTIONS rows (LEFT JOIN).
struct ShortcutRecord {
  std::int64_t shortcut_id = 0;
  std::optional<std::string> shortcut_name;  // raw bytes (MVT reads this database with bytes text)
  std::string isodate;                       // ZCREATIONDATE
  std::string modified_date;                 // ZMODIFICATIONDATE
  std::optional<std::string> description;    // ZACTIONSDESCRIPTION, raw bytes
  std::int64_t parsed_actions = 0;           // actions decoded from ZSHORTCUTACTIONS.ZDATA
  std::vector<std::string> action_urls;      // links in the actions' WFWorkflowActionParameters
  std::string actions_error;                 // why ZDATA could not be decoded, if it could not
  std::string provenance;
};

Result<std::vector<ShortcutRecord>> parse_shortcuts(const sqlite::Database& db);

// The links in the string values of one action list (ZSHORTCUTACTIONS.ZDATA, a binary plist array of
// {WFWorkflowActionIdentifier, WFWorkflowActionParameters}); sets `parsed_actions`.
Result<std::vector<std::string>> shortcut_action_urls(const std::vector<std::uint8_t>& data,
                                                      std::int64_t& parsed_actions);

}  // namespace lumiere::modules::ios
