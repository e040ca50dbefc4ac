// Writes MVT's output files (spec §5) so that analysts' existing scripts keep working: <slug>.json,
// <slug>_detected.json, alerts.json, timeline.csv, alerts_timeline.csv, urls.json, info.json.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "framework/runner.hpp"
#include "output/sorted_runs.hpp"

namespace lumiere::output {

struct FileHash {
  std::string file_path;
  std::string sha256;
};

// A file of the evidence that was neither hashed nor read (a link, a special file), and why.
struct RefusedFile {
  std::string file_path;
  std::string reason;
};

struct RunInfo {
  std::string target_path;  // absolute path of the evidence, as MVT records it
  std::vector<std::string> ioc_files;
  std::vector<FileHash> hashes;
  std::vector<RefusedFile> refused;  // -H: what was not hashed (beyond MVT's info.json)
  bool device_local_time = false;    // Android: "Device Local Timestamp" column
};

// Receives a large file's content piece by piece (about a megabyte at a time).
using TextSink = std::function<void(std::string_view)>;

Json alert_to_json(const Alert& alert);
std::string timeline_csv(const std::vector<ModuleRun>& runs, bool device_local_time);
void timeline_csv(const std::vector<ModuleRun>& runs, bool device_local_time, const TextSink& sink);
std::string alerts_timeline_csv(const std::vector<const Alert*>& alerts);

// A timeline row as report.html shows it: with whether its record raised an alert.
struct HtmlTimelineRow {
  TimelineEntry entry;
  bool alert = false;
};
// The rows report.html embeds (every alert row, and the first kMaxHtmlTimelineRows others) of `total`.
struct HtmlTimeline {
  std::vector<HtmlTimelineRow> rows;
  std::size_t total = 0;
  std::size_t plain = 0;  // rows seen that are not linked to an alert
};
// At most this many timeline rows are embedded (all alert rows are kept); the full timeline is in timeline.csv.
inline constexpr std::size_t kMaxHtmlTimelineRows = 20000;
// Keeps `row` in `timeline` if report.html shows it (rows come in timeline order).
void add_html_timeline_row(HtmlTimeline& timeline, const TimelineEntry& row, bool alert);

// MVT's files. As the run's OutputStreams (RunEnvironment::streams), it also takes the modules' records and
// timeline rows as they are produced: `<slug>.json` is written record by record, and the timeline rows are
// spilled as sorted runs inside the output folder and merged into timeline.csv (and, with `timesketch`,
// timeline.jsonl) by finish(), so no record and no timeline row is held for the whole run.
class MvtFileWriter : public RunObserver, public OutputStreams {
 public:
  // `background`: each module's output is printed and written on a thread of its own (with --jobs > 1).
  explicit MvtFileWriter(std::filesystem::path directory, bool timesketch = false, bool background = false);
  ~MvtFileWriter() override;
  MvtFileWriter(const MvtFileWriter&) = delete;
  MvtFileWriter& operator=(const MvtFileWriter&) = delete;
  MvtFileWriter(MvtFileWriter&&) = delete;
  MvtFileWriter& operator=(MvtFileWriter&&) = delete;

  std::shared_ptr<ModuleStream> open(const ModuleDescriptor& module) override;
  void module_finished(const ModuleDescriptor& module, const ModuleOutput& output) override;
  // Writes the aggregate files; reports every write that failed during the run.
  [[nodiscard]] Result<void> finish(const std::vector<ModuleRun>& runs, const RunInfo& info);
  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }
  // After finish() of a streamed run: the rows report.html shows.
  [[nodiscard]] const HtmlTimeline& html_timeline() const { return html_timeline_; }

 private:
  class Stream;
  void write(const std::string& name, const std::string& content);
  void write_streamed(const std::string& name, const std::function<void(const TextSink&)>& produce);
  void failed(std::string message);

  std::filesystem::path directory_;
  bool timesketch_;
  bool background_;
  std::mutex mutex_;  // failures_ and streams_: streams open on the modules' threads
  std::vector<std::string> failures_;
  std::map<std::string, std::shared_ptr<Stream>, std::less<>> streams_;
  bool streams_used_ = false;
  SortedRuns csv_runs_;
  SortedRuns jsonl_runs_;
  HtmlTimeline html_timeline_;
};

// Writes a whole file (truncating). Used by every report writer.
Result<void> write_text_file(const std::filesystem::path& file, const std::string& content);
// The same for content too large to hold whole: `produce` hands it to the sink piece by piece.
Result<void> write_text_file_streamed(const std::filesystem::path& file,
                                      const std::function<void(const TextSink&)>& produce);

}  // namespace lumiere::output
