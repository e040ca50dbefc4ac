// The shared flow of every check-* command: load indicators, open the evidence, run the modules, write the
// outputs, print the verdict, return the exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/app.hpp"
#include "cli/backup_secret.hpp"
#include "core/log.hpp"
#include "framework/analysis.hpp"
#include "framework/module.hpp"
#include "framework/runner.hpp"
#include "indicators/indicator_set.hpp"
#include "output/html_report.hpp"

namespace lumiere::cli {

struct CheckOptions {
  std::vector<std::string> iocs;
  std::string output;
  bool list_modules = false;
  std::string module;
  bool hashes = false;
  bool verbose = false;
  bool fast = false;
  bool resolve_short_urls = false;
  std::size_t jobs = 0;          // modules (and --hashes files) at once; 0 = the core count
  bool only_given_iocs = false;  // the demo: ignore LUMIERE_IOCS and the user data folder
  bool keep_going = false;       // an -i file that fails to load is reported, not fatal
  bool force = false;            // -o may hold lumiere's earlier results: they are removed first
  bool example_device = false;   // `lumiere demo`: the report and console say it is an example device
  bool output_prepared = false;  // the caller (scan) already holds `output`'s lock and found it empty
  bool timesketch = false;       // also write timeline.jsonl (Timesketch's JSONL import format)
  SecretOptions secret;          // for an encrypted backup
};

// Loads -i, LUMIERE_IOCS and the user data folder, logging every file's problems, and says on stderr how many
// indicators from how many files. std::nullopt (after saying why) when a file given with -i failed to load and
// --keep-going was not given.
std::optional<ioc::IndicatorSet> load_indicator_set(const CheckOptions& options, Logger& logger);

// Prints the modules that apply to `source` (for --list-modules).
void list_modules(SourceKind source);

// What a check-* command did: its exit code and, when the analysis ran, its outcome (the verdict of `scan`'s
// table comes from here, never from the files written).
struct CheckResult {
  int exit_code = kExitError;
  std::optional<AnalysisOutcome> outcome;
  std::string output_directory;  // empty when nothing was written
};

// `lumiere ios check-backup`.
CheckResult run_ios_backup_check(const std::filesystem::path& backup_path, const CheckOptions& options,
                                 const std::string& command_line);
// The same, returning only the exit code.
int check_ios_backup(const std::filesystem::path& backup_path, const CheckOptions& options,
                     const std::string& command_line);

// `lumiere ios|android check-iocs FOLDER`: re-checks stored <slug>.json results; writes nothing.
int check_iocs(const std::filesystem::path& folder, const CheckOptions& options, std::span<const SourceKind> sources);

// Whether `child` is `parent` or lies under it (paths resolved as far as they exist).
bool is_inside(const std::filesystem::path& child, const std::filesystem::path& parent);

// A folder named lumiere-<what>-YYYYmmdd-HHMMSS in the current directory.
std::filesystem::path default_output_dir(const std::string& what);

// "not supported yet" for a command whose capability is not built: a clear error and kExitError.
int not_supported_yet(const std::string& what);

// What report.html says about the run: the evidence's name (not its absolute path), device, indicator sets.
output::HtmlReportInfo reader_report_info(const std::filesystem::path& evidence, std::string kind,
                                          const std::vector<ModuleRun>& runs, const ioc::IndicatorSet& indicators);

}  // namespace lumiere::cli
