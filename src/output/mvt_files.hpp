// Writes MVT's output files (spec §5) so that analysts' existing scripts keep working: <slug>.json,
// <slug>_detected.json, alerts.json, timeline.csv, alerts_timeline.csv, urls.json, info.json.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "framework/runner.hpp"

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

class MvtFileWriter : public RunObserver {
 public:
  explicit MvtFileWriter(std::filesystem::path directory);

  void module_finished(const ModuleDescriptor& module, const ModuleOutput& output) override;
  // Writes the aggregate files; reports every write that failed during the run.
  [[nodiscard]] Result<void> finish(const std::vector<ModuleRun>& runs, const RunInfo& info);
  [[nodiscard]] const std::filesystem::path& directory() const { return directory_; }

 private:
  void write(const std::string& name, const std::string& content);
  void write_streamed(const std::string& name, const std::function<void(const TextSink&)>& produce);

  std::filesystem::path directory_;
  std::vector<std::string> failures_;
};

// Writes a whole file (truncating). Used by every report writer.
Result<void> write_text_file(const std::filesystem::path& file, const std::string& content);
// The same for content too large to hold whole: `produce` hands it to the sink piece by piece.
Result<void> write_text_file_streamed(const std::filesystem::path& file,
                                      const std::function<void(const TextSink&)>& produce);

}  // namespace lumiere::output
