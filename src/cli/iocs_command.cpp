#include "cli/iocs_command.hpp"

#include <fmt/format.h>

#include <ctime>
#include <string>
#include <vector>

#include "indicators/loader.hpp"
#include "indicators/shorteners.hpp"
#include "indicators/stix_loader.hpp"
#include "indicators/update.hpp"

namespace lumiere::cli {
namespace {

constexpr int kOk = 0;
constexpr int kInvalidFile = 2;  // README: exit 1 means alerts, so a bad indicator file is an error
constexpr int kFailure = 2;

std::string format_time(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32] = {};
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &utc);
  return buffer;
}

std::string per_kind_text(const ioc::FileReport& report) {
  std::string text;
  for (const auto& [kind, count] : report.per_kind) {
    if (!text.empty()) text += ", ";
    text += fmt::format("{} {}", ioc::stix_key_name(kind), count);
  }
  return text.empty() ? "none" : text;
}

void print_report_details(const ioc::FileReport& report) {
  fmt::print("  indicators: {} ({})\n", report.indicators, per_kind_text(report));
  if (report.duplicates > 0) fmt::print("  duplicates within a collection (ignored): {}\n", report.duplicates);
  if (report.compound_and > 0) fmt::print("  compound AND patterns (skipped): {}\n", report.compound_and);
  if (report.unsupported > 0) {
    fmt::print("  unsupported (skipped): {}\n", report.unsupported);
    for (const auto& [what, count] : report.unsupported_by_kind) fmt::print("    {}: {}\n", what, count);
  }
  if (report.invalid_patterns > 0) fmt::print("  invalid patterns (skipped): {}\n", report.invalid_patterns);
  for (const auto& problem : report.problems) fmt::print("  problem: {}\n", problem);
}

}  // namespace

int iocs_update(const IocsOptions& options) {
  ioc::UpdateOptions update;
  update.index_url = options.index_url;
  update.data_dir = ioc::user_data_dir();
  update.timeout = std::chrono::milliseconds(static_cast<long long>(options.timeout_seconds * 1000));
  fmt::print("Downloading the indicators index {}\n", update.index_url);
  const ioc::UpdateReport report = ioc::update_indicators(update);
  if (report.index_error) {
    fmt::print(stderr, "lumiere: cannot update indicators: {}\n", report.index_error->describe());
    return kFailure;
  }
  for (const auto& problem : report.index_problems) fmt::print(stderr, "lumiere: index: {}\n", problem);
  std::size_t failed = 0;
  for (const auto& download : report.downloads) {
    if (download.error) {
      ++failed;
      fmt::print(stderr, "lumiere: FAILED {} ({}): {}; keeping the previous copy if any\n", download.name, download.url,
                 download.error->message);
    } else {
      fmt::print("Saved {} to {}\n", download.name, download.file.string());
    }
  }
  fmt::print("Downloaded {} of {} indicator files into {}\n", report.downloads.size() - failed, report.downloads.size(),
             (update.data_dir / "indicators").string());
  return report.ok() && report.index_problems.empty() ? kOk : kFailure;
}

int iocs_list(const IocsOptions& options) {
  ioc::IndicatorSources sources;
  for (const auto& path : options.list_paths) sources.paths.emplace_back(path);
  const ioc::IndicatorSet set = ioc::load_indicators(sources);
  const auto data_dir = ioc::user_data_dir();
  fmt::print("Indicator folder: {}\n", ioc::user_indicators_dir().string());
  const auto last = ioc::read_stamp(data_dir, ioc::kLastUpdateFile);
  fmt::print("Last update: {}\n", last ? format_time(*last) : std::string("never (run `lumiere iocs update`)"));
  int status = kOk;
  for (const auto& report : set.file_reports()) {
    fmt::print("\n{}\n", report.path);
    if (report.error) {
      fmt::print("  ERROR: {}\n", report.error->message);
      status = kInvalidFile;
      continue;
    }
    for (const auto& collection : set.collections()) {
      if (collection.stix2_file_path == report.path) {
        fmt::print("  collection \"{}\": {} indicators\n", collection.name, collection.count);
      }
    }
    print_report_details(report);
  }
  fmt::print("\nLoaded a total of {} unique indicators from {} files\n", set.size(), set.files().size());
  for (std::size_t k = 0; k < ioc::kKindCount; ++k) {
    const auto kind = static_cast<ioc::Kind>(k);
    if (set.count(kind) > 0) fmt::print("  {}: {}\n", ioc::stix_key_name(kind), set.count(kind));
  }
  fmt::print("URL shortener domains known: {}\n", ioc::shortener_count());
  return status;
}

int iocs_check(const IocsOptions& options) {
  int status = kOk;
  // Files and folders, as -i takes them: a folder is searched (recursively) for STIX2 files.
  std::vector<std::string> files;
  for (const auto& given : options.check_files) {
    ioc::IndicatorSources sources;
    sources.paths.emplace_back(given);
    sources.use_environment = false;
    sources.use_user_data = false;
    const auto found = ioc::indicator_files(sources);
    if (found.empty()) {
      fmt::print("{}: ERROR: a folder with no STIX2 file (*.stix2, or *.json that looks like STIX) in it\n", given);
      status = kInvalidFile;
    }
    for (const auto& file : found) files.push_back(file.string());
  }
  for (const auto& file : files) {
    const ioc::ParsedFile parsed = ioc::parse_stix2_file(file);
    const ioc::FileReport& report = parsed.report;
    if (report.error) {
      fmt::print("{}: ERROR: {}\n", file, report.error->message);
      status = kInvalidFile;
      continue;
    }
    const bool invalid = report.invalid_patterns > 0;
    fmt::print("{}: {}\n", file, invalid ? "INVALID PATTERNS" : "OK");
    for (const auto& collection : parsed.collections) {
      fmt::print("  collection \"{}\": {} indicators\n", collection.name, collection.count);
    }
    print_report_details(report);
    if (invalid) status = kInvalidFile;
  }
  return status;
}

}  // namespace lumiere::cli
