// What a module produces: records (MVT's `results`), alerts at five levels, timeline entries, warnings
// about what could not be checked, and the links it saw. Report writers consume these.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace lumiere {

enum class AlertLevel { kInformational, kLow, kMedium, kHigh, kCritical };

// "INFORMATIONAL", "LOW", ... as in alerts.json.
const char* to_string(AlertLevel level) noexcept;
inline constexpr int kAlertLevelCount = 5;

struct MatchedIndicator {
  std::string value;
  std::string type;  // MVT list name: "domains", "processes", ...
  std::string name;  // collection name
  std::string stix2_file_name;
};

struct Alert {
  AlertLevel level = AlertLevel::kInformational;
  std::string module;  // slug of the module that raised it
  std::string message;
  std::string event_time;  // iso, or "" (IOC hits usually have none)
  Json event;              // the record that matched
  std::optional<MatchedIndicator> matched_indicator;
  std::string provenance;             // where the record came from, relative to the evidence
  std::optional<std::size_t> record;  // index of the record in the module's list of results, when known
};

struct TimelineEntry {
  std::string timestamp;  // iso
  std::string module;     // MVT class name (timeline "Plugin" column)
  std::string event;
  std::string data;
  // Index of the record (in the module's list of results) this row was made from, when known: Timesketch
  // rows carry the record's fields.
  std::optional<std::size_t> record;
};

enum class WarningKind {
  kMissing,      // the artifact is not in the evidence: lower coverage, not an error
  kUnsupported,  // present, but a schema/version we do not understand
  kCorrupt,      // present and damaged
  kFailed,       // the module failed (a bug or an unexpected condition)
  kNote,         // something the analyst should know
};
const char* to_string(WarningKind kind) noexcept;

struct Warning {
  WarningKind kind = WarningKind::kNote;
  std::string module;  // slug
  std::string path;    // the file concerned, relative to the evidence
  std::string message;
};

struct UrlRecord {
  std::string url;
  std::optional<std::string> expanded_url;
  std::string timestamp;
  std::string source;  // "sms", "whatsapp"
};

}  // namespace lumiere
