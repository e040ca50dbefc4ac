#include "cli/scan.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <set>
#include <tuple>

#include "cli/app.hpp"
#include "cli/output_folder.hpp"
#include "core/json.hpp"
#include "output/mvt_files.hpp"
#include "sources/detect.hpp"

namespace lumiere::cli {
namespace {

namespace fs = std::filesystem;

struct ScanRow {
  std::string evidence;
  std::string kind;
  std::string outcome;                  // verdict, "not supported yet" or the error
  int rank = 0;                         // 4 spyware signs, 3 inconclusive, 2 review, 1 no sign, 0 not analysed
  std::array<std::size_t, 3> counts{};  // CRITICAL, HIGH, MEDIUM
  std::string results;
  std::vector<std::string> warnings;  // what is hostile or damaged in the input itself
};

// A folder name for one input, unique among the inputs of the run.
std::string folder_name(const fs::path& evidence, std::set<std::string>& used) {
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(evidence, ec), ec);
  std::string name = absolute.filename().string();
  if (name.empty()) name = "evidence";
  for (char& c : name) {
    if (c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20) c = '_';
  }
  std::string candidate = name;
  for (int i = 2; !used.insert(candidate).second; ++i) candidate = fmt::format("{}-{}", name, i);
  return candidate;
}

void print_table(std::vector<ScanRow>& rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ScanRow& a, const ScanRow& b) {
    return std::tie(b.rank, b.counts[0], b.counts[1], b.counts[2]) <
           std::tie(a.rank, a.counts[0], a.counts[1], a.counts[2]);
  });
  fmt::print("\nSummary ({} inputs, most severe first):\n", rows.size());
  fmt::print("  {:<32} {:<24} {:>8} {:>5} {:>7}  {}\n", "evidence", "kind", "CRITICAL", "HIGH", "MEDIUM", "outcome");
  for (const auto& row : rows) {
    fmt::print("  {:<32} {:<24} {:>8} {:>5} {:>7}  {}\n", row.evidence, row.kind, row.counts[0], row.counts[1],
               row.counts[2], row.outcome);
    if (!row.results.empty()) fmt::print("  {:<32} results: {}\n", "", row.results);
  }
}

// scan.json: one object per input, in the order of the table, for scripts that triage many devices.
void write_summary(const fs::path& base, const std::vector<ScanRow>& rows) {
  Json inputs = Json::array();
  for (const auto& row : rows) {
    Json warnings = Json::array();
    for (const auto& warning : row.warnings) warnings.push_back(json_text(warning));
    inputs.push_back(Json{{"evidence", json_text(row.evidence)},
                          {"kind", row.kind},
                          {"outcome", row.outcome},
                          {"critical", row.counts[0]},
                          {"high", row.counts[1]},
                          {"medium", row.counts[2]},
                          {"results", json_text(row.results)},
                          {"warnings", std::move(warnings)}});
  }
  std::error_code ec;
  fs::create_directories(base, ec);
  if (auto ok = output::write_text_file(base / "scan.json", dump_mvt_json(Json{{"inputs", std::move(inputs)}}) + "\n");
      !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
  }
}

}  // namespace

int scan_command(const std::vector<std::string>& paths, const CheckOptions& options, const std::string& command_line) {
  // Every output goes outside every input: checked before anything is created (scan.json included).
  {
    std::error_code ec;
    const fs::path where = options.output.empty() ? fs::current_path(ec) : fs::path(options.output);
    for (const auto& path : paths) {
      if (is_inside(where, path)) {
        fmt::print(stderr, "lumiere: {}: the output folder must not be inside the evidence {} (give -o elsewhere)\n",
                   where.string(), path);
        return kExitError;
      }
    }
  }
  const fs::path base = options.output.empty() ? default_output_dir("scan") : fs::path(options.output);
  // New or empty (or --force), locked for the whole scan.
  auto folder = OutputFolder::prepare(base, options.force);
  if (!folder) {
    fmt::print(stderr, "lumiere: {}\n", folder.error().describe());
    return kExitError;
  }
  const bool several = paths.size() > 1;
  std::set<std::string> used;
  std::vector<ScanRow> rows;
  int exit_code = kExitClean;
  bool any_error = false;
  bool any_inconclusive = false;
  for (const auto& path : paths) {
    ScanRow row;
    row.evidence = path;
    auto detected = sources::detect_evidence(path);
    if (!detected) {
      fmt::print(stderr, "lumiere: {}\n", detected.error().describe());
      row.kind = "unrecognised";
      row.outcome = "not analysed: not recognised";
      row.warnings.push_back(detected.error().message);
      any_error = true;
      rows.push_back(std::move(row));
      continue;
    }
    row.kind = std::string(sources::to_string(detected->kind));
    for (const auto& warning : detected->warnings) {
      fmt::print(stderr, "lumiere: WARNING: {}: {}\n", path, warning);
      row.warnings.push_back(warning);
    }
    if (detected->kind != sources::EvidenceKind::kIosBackup) {
      fmt::print(stderr, "lumiere: {}: recognised as {} ({}); analysing it is not supported yet in this version.\n",
                 path, row.kind, detected->reason);
      row.outcome = "not supported yet";
      any_error = true;
      rows.push_back(std::move(row));
      continue;
    }
    if (detected->encrypted) row.kind += " (encrypted)";
    CheckOptions one = options;
    const fs::path out = several ? base / folder_name(path, used) : base;
    one.output = out.string();
    one.output_prepared = !several;  // the scan holds the lock on `base` and found it empty
    if (several) fmt::print("\n== {} ({}) ==\n", path, row.kind);
    const CheckResult checked = run_ios_backup_check(path, one, command_line);
    row.results = out.string();
    if (checked.exit_code == kExitError || !checked.outcome) {
      row.outcome = "not analysed: error (see above)";
      any_error = true;
      rows.push_back(std::move(row));
      continue;
    }
    const AnalysisOutcome& outcome = *checked.outcome;
    row.counts = {outcome.counts.at(AlertLevel::kCritical), outcome.counts.at(AlertLevel::kHigh),
                  outcome.counts.at(AlertLevel::kMedium)};
    switch (outcome.verdict) {
      case Verdict::kSpywareSigns:
        row.outcome = "SIGNS OF KNOWN SPYWARE";
        row.rank = 4;
        exit_code = kExitAlerts;
        break;
      case Verdict::kInconclusive:
        row.outcome = "INCONCLUSIVE";
        row.rank = 3;
        any_inconclusive = true;
        break;
      case Verdict::kNeedsReview:
        row.outcome = "needs expert review";
        row.rank = 2;
        break;
      case Verdict::kNoSign:
        row.outcome = "no sign of known spyware";
        row.rank = 1;
        break;
    }
    rows.push_back(std::move(row));
  }
  if (several) print_table(rows);
  write_summary(base, rows);
  std::vector<const ScanRow*> failed;
  for (const auto& row : rows) {
    if (row.rank == 0) failed.push_back(&row);
  }
  if (several && !failed.empty()) {
    fmt::print(stderr, "lumiere: {} of {} inputs could not be analysed:\n", failed.size(), rows.size());
    for (const auto* row : failed) fmt::print(stderr, "  {}: {}\n", row->evidence, row->outcome);
  }
  // Signs found anywhere win; then a failed input; then an input that could not be checked well enough.
  if (exit_code == kExitClean && any_error) exit_code = kExitError;
  if (exit_code == kExitClean && any_inconclusive) exit_code = kExitInconclusive;
  return exit_code;
}

}  // namespace lumiere::cli
