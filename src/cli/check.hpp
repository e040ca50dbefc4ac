// The shared flow of every check-* command: load indicators, open the evidence, run the modules, write the
// outputs, print the verdict, return the exit code.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cli/backup_secret.hpp"
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
  SecretOptions secret;          // for an encrypted backup
};

// Prints the modules that apply to `source` (for --list-modules).
void list_modules(SourceKind source);

// `lumiere ios check-backup`: returns the exit code.
int check_ios_backup(const std::filesystem::path& backup_path, const CheckOptions& options,
                     const std::string& command_line);

// `lumiere ios|android check-iocs FOLDER`: re-checks stored <slug>.json results; writes nothing.
int check_iocs(const std::filesystem::path& folder, const CheckOptions& options, std::span<const SourceKind> sources);

// A folder named lumiere-<what>-YYYYmmdd-HHMMSS in the current directory.
std::filesystem::path default_output_dir(const std::string& what);

// "not supported yet" for a command whose capability is not built: a clear error and kExitError.
int not_supported_yet(const std::string& what);

// What report.html says about the run: the evidence's name (not its absolute path), device, indicator sets.
output::HtmlReportInfo reader_report_info(const std::filesystem::path& evidence, std::string kind,
                                          const std::vector<ModuleRun>& runs, const ioc::IndicatorSet& indicators);

}  // namespace lumiere::cli
