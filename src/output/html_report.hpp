// report.html: one self-contained page (inline CSS and JS, a Content-Security-Policy that forbids every
// network request) that a frightened non-expert can read on a phone: the verdict first, then alerts by
// severity with plain-language explanations, coverage, the indicator sets used, device information and a
// filterable timeline. Every evidence string is escaped: evidence is attacker-controlled.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "framework/analysis.hpp"
#include "framework/runner.hpp"
#include "output/mvt_files.hpp"

namespace lumiere::output {

struct IocSetInfo {
  std::string name;       // collection name
  std::string file_name;  // STIX2 file name (never the examiner's path)
  std::size_t indicators = 0;
  std::string file_date;  // last modification of the file, "YYYY-MM-DD"
};

struct HtmlReportInfo {
  std::string evidence_name;  // the evidence's folder or file name, not its absolute path
  std::string evidence_kind;  // "iOS backup", ...
  std::string generated_at;   // iso
  std::string version;        // lumiere version
  std::size_t indicator_count = 0;
  std::vector<IocSetInfo> ioc_sets;
  std::vector<std::string> indicator_notes;  // e.g. "the indicators may be outdated: ..."
  bool example = false;                      // `lumiere demo`: a generated example device, said everywhere
  Json device;                               // backup_info results (object) or null
  // The timeline rows to show, when the run streamed them (MvtFileWriter::html_timeline); otherwise they are
  // taken from the runs.
  const HtmlTimeline* timeline = nullptr;
};

std::string html_escape(std::string_view text);
std::string html_report(const AnalysisOutcome& outcome, const HtmlReportInfo& info);

}  // namespace lumiere::output

namespace lumiere::ioc {
class IndicatorSet;
}

namespace lumiere::output {

// The collections of an indicator set, with their files' dates.
std::vector<IocSetInfo> ioc_sets_of(const ioc::IndicatorSet& indicators);

// Writes report.html into `directory`, and timeline.jsonl with `timesketch` (--timesketch).
Result<void> write_reader_reports(const std::filesystem::path& directory, const AnalysisOutcome& outcome,
                                  const HtmlReportInfo& info, bool timesketch);

}  // namespace lumiere::output
