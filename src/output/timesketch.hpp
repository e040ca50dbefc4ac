// timeline.jsonl in Timesketch's JSONL import format: one JSON object per line with the required `message`,
// `datetime` (ISO 8601 with zone) and `timestamp_desc`, plus the module, the alert level when the row's record
// raised an alert, and the record's own fields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "framework/runner.hpp"

namespace lumiere::output {

struct JsonlTimeline {
  std::string text;  // the lines, each ending in '\n'
  std::size_t rows = 0;
  std::size_t undated = 0;  // timeline rows whose timestamp is not a date (left out: Timesketch needs one)
};

// One line (with its '\n') for a timeline row dated `micros`: message, datetime, timestamp_desc, timestamp,
// module, the alert level of its record, then the record's fields (`record`, may be null; a field named as one
// of Timesketch's is kept as record_<name>).
void append_timesketch_line(std::string& out, const TimelineEntry& row, std::int64_t micros, const Json* record,
                            std::optional<AlertLevel> level);

JsonlTimeline timeline_jsonl(const std::vector<ModuleRun>& runs);
// The same lines handed to `sink` piece by piece (a large backup's timeline does not fit in memory twice);
// `text` of the result stays empty.
JsonlTimeline timeline_jsonl(const std::vector<ModuleRun>& runs, const std::function<void(std::string_view)>& sink);

}  // namespace lumiere::output
