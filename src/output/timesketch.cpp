#include "output/timesketch.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "core/json.hpp"
#include "core/json_writer.hpp"
#include "core/time.hpp"

namespace lumiere::output {
namespace {

// Timesketch's own fields: a record field with one of these names is kept under "record_<name>".
constexpr std::array<std::string_view, 6> kReserved{"message",   "datetime", "timestamp_desc",
                                                    "timestamp", "module",   "alert_level"};

std::string iso8601(std::int64_t micros) {
  // "YYYY-MM-DD HH:MM:SS.ffffff" → "YYYY-MM-DDTHH:MM:SS.ffffff+00:00"
  std::string iso = timeconv::iso_from_unix_micros(micros);
  if (iso.size() > 10 && iso[10] == ' ') iso[10] = 'T';
  return iso + "+00:00";
}

// Text as JSON shows evidence bytes (\xNN for invalid UTF-8), without counting it as a module's invalid text:
// these are the module's own rows, already counted when it made them.
std::string shown(std::string_view text) {
  return utf8_backslashreplace(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

struct Row {
  std::int64_t micros;
  const TimelineEntry* entry;
  const ModuleRun* run;
};

}  // namespace

void append_timesketch_line(std::string& out, const TimelineEntry& row, std::int64_t micros, const Json* record,
                            std::optional<AlertLevel> level) {
  JsonWriter line(out, JsonStyle::kCompact);
  line.begin_object();
  line.key("message");
  line.string(shown(row.module + ": " + row.data));
  line.key("datetime");
  line.string(iso8601(micros));
  line.key("timestamp_desc");
  line.string(shown(row.event));
  line.key("timestamp");
  line.integer(micros);
  line.key("module");
  line.string(row.module);
  if (level) {
    line.key("alert_level");
    line.string(to_string(*level));
  }
  if (record != nullptr && record->is_object()) {
    for (const auto& [key, value] : record->get_ref<const Json::object_t&>()) {
      const bool reserved = std::find(kReserved.begin(), kReserved.end(), key) != kReserved.end();
      line.key(reserved ? "record_" + key : key);
      line.value(value);
    }
  }
  line.end_object();
  out += '\n';
}

JsonlTimeline timeline_jsonl(const std::vector<ModuleRun>& runs) {
  std::string text;
  JsonlTimeline out = timeline_jsonl(runs, [&text](std::string_view piece) { text += piece; });
  out.text = std::move(text);
  return out;
}

JsonlTimeline timeline_jsonl(const std::vector<ModuleRun>& runs, const std::function<void(std::string_view)>& sink) {
  constexpr std::size_t kJsonlPieceBytes = 1U << 20U;
  JsonlTimeline out;
  std::vector<Row> rows;
  for (const auto& run : runs) {
    for (const auto& entry : run.output.timeline) {
      const auto micros = timeconv::parse_iso(entry.timestamp);
      if (!micros) {
        ++out.undated;
        continue;
      }
      rows.push_back(Row{*micros, &entry, &run});
    }
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.micros, a.entry->module, a.entry->event, a.entry->data) <
           std::tie(b.micros, b.entry->module, b.entry->event, b.entry->data);
  });
  for (const auto& row : rows) {
    const TimelineEntry& entry = *row.entry;
    const auto& output = row.run->output;
    std::optional<AlertLevel> level;
    std::optional<Json> record;
    if (entry.record) {
      // The most severe alert raised on the same record.
      for (const auto& alert : output.alerts) {
        if (alert.record == entry.record && (!level || alert.level > *level)) level = alert.level;
      }
      record = output.record(*entry.record);
    }
    append_timesketch_line(out.text, entry, row.micros, record ? &*record : nullptr, level);
    ++out.rows;
    if (out.text.size() >= kJsonlPieceBytes) {
      sink(out.text);
      out.text.clear();
    }
  }
  sink(out.text);
  out.text.clear();
  return out;
}

}  // namespace lumiere::output
