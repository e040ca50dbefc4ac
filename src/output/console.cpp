#include "output/console.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace lumiere::output {

std::string verdict_line(const AnalysisOutcome& outcome) {
  const AlertCounts& counts = outcome.counts;
  switch (outcome.verdict) {
    case Verdict::kSpywareSigns:
      return fmt::format("SIGNS OF KNOWN SPYWARE FOUND: {} HIGH or CRITICAL alert(s).", counts.severe());
    case Verdict::kInconclusive: {
      std::string line = "INCONCLUSIVE: this run cannot tell whether known spyware is present, because ";
      for (std::size_t i = 0; i < outcome.inconclusive.size(); ++i) {
        if (i > 0) line += "; ";
        line += outcome.inconclusive[i];
      }
      return line + ".";
    }
    case Verdict::kNeedsReview:
      return fmt::format("ITEMS THAT NEED EXPERT REVIEW: {} MEDIUM alert(s), no HIGH or CRITICAL alert.",
                         counts.at(AlertLevel::kMedium));
    case Verdict::kNoSign: break;
  }
  return "NO SIGN of the spyware that the loaded indicators describe.";
}

std::string_view verdict_advice(Verdict verdict) {
  if (verdict == Verdict::kSpywareSigns) {
    return "Only expert review can confirm an infection. Keep this output folder, avoid using the device for "
           "sensitive matters, and contact Amnesty International's Security Lab or Access Now's Digital Security "
           "Helpline (help@accessnow.org).";
  }
  if (verdict == Verdict::kInconclusive) {
    return "Treat the device as NOT checked: fix what is named above (load indicators, give a complete copy of the "
           "evidence) and run again. If you are at risk, seek expert help (Amnesty International's Security Lab, "
           "Access Now's Digital Security Helpline).";
  }
  return "No alert is not proof that the device is clean: indicators only describe known spyware, and some traces "
         "are only in other kinds of acquisition. If you are at risk, seek expert help (Amnesty International's "
         "Security Lab, Access Now's Digital Security Helpline).";
}

ConsoleProgress::ConsoleProgress(std::FILE* stream) : stream_(stream), tty_(isatty(fileno(stream)) != 0) {}

void ConsoleProgress::module_started(const ModuleDescriptor& module, std::size_t index, std::size_t total) {
  if (!tty_) return;
  fmt::print(stream_, "\r\033[K[{}/{}] {}", index + 1, total, module.slug);
  std::fflush(stream_);
}

void ConsoleProgress::module_finished(const ModuleDescriptor& /*module*/, const ModuleOutput& /*output*/) {
  if (!tty_) return;
  fmt::print(stream_, "\r\033[K");
  std::fflush(stream_);
}

void print_summary(std::FILE* stream, const AnalysisOutcome& outcome, const std::string& output_directory) {
  const std::vector<ModuleRun>& runs = outcome.runs;
  const AlertCounts& counts = outcome.counts;
  fmt::print(stream, "\nModules: {} run, {} found no artifact, {} could not analyse their artifact.\n",
             outcome.coverage.modules, outcome.coverage.missing, outcome.coverage.unreadable);
  fmt::print(stream, "Alerts: {} CRITICAL, {} HIGH, {} MEDIUM, {} LOW, {} INFORMATIONAL\n",
             counts.at(AlertLevel::kCritical), counts.at(AlertLevel::kHigh), counts.at(AlertLevel::kMedium),
             counts.at(AlertLevel::kLow), counts.at(AlertLevel::kInformational));

  std::vector<const Alert*> top;
  for (const auto& run : runs) {
    for (const auto& alert : run.output.alerts) {
      if (alert.level >= AlertLevel::kMedium) top.push_back(&alert);
    }
  }
  std::stable_sort(top.begin(), top.end(), [](const Alert* a, const Alert* b) { return a->level > b->level; });
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < top.size() && i < kShown; ++i) {
    fmt::print(stream, "  - {} [{}] {}\n", to_string(top[i]->level), top[i]->module, top[i]->message);
  }
  if (top.size() > kShown) fmt::print(stream, "  ... and {} more (see alerts.json)\n", top.size() - kShown);

  // The verdict in its own colour on a terminal (red, magenta, yellow, green), plain otherwise or with NO_COLOR.
  const bool colour = isatty(fileno(stream)) != 0 && std::getenv("NO_COLOR") == nullptr;
  const char* tint = "";
  switch (outcome.verdict) {
    case Verdict::kSpywareSigns: tint = "\033[1;31m"; break;
    case Verdict::kInconclusive: tint = "\033[1;35m"; break;
    case Verdict::kNeedsReview: tint = "\033[1;33m"; break;
    case Verdict::kNoSign: tint = "\033[1;32m"; break;
  }
  fmt::print(stream, "\n{}Verdict: {}{}\n", colour ? tint : "", verdict_line(outcome), colour ? "\033[0m" : "");
  if (outcome.indicator_count == 0 && outcome.verdict != Verdict::kInconclusive) {
    fmt::print(stream,
               "Note: no indicators of compromise were loaded, so only the checks that need none ran. "
               "Load indicators with -i or `lumiere iocs update`.\n");
  }
  fmt::print(stream, "{}\n", verdict_advice(outcome.verdict));
  if (!output_directory.empty()) {
    fmt::print(stream, "Results: {}\n", output_directory);
    fmt::print(stream, "Report:  {}/report.html (open it in a browser; it loads nothing from the network)\n",
               output_directory);
  }
}

}  // namespace lumiere::output
