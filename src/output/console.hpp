// What a person sees in the terminal: progress while modules run (only on a TTY), then counts per level,
// the top alerts in plain words, and one verdict line with its honest caveat.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "framework/analysis.hpp"
#include "framework/runner.hpp"

namespace lumiere::output {

// One sentence, e.g. "Signs of known spyware found: 3 HIGH or CRITICAL alerts."
std::string verdict_line(const AnalysisOutcome& outcome);
// What to do next, with the honest caveat.
std::string_view verdict_advice(Verdict verdict);

class ConsoleProgress : public RunObserver {
 public:
  explicit ConsoleProgress(std::FILE* stream);
  void module_started(const ModuleDescriptor& module, std::size_t index, std::size_t total) override;
  void module_finished(const ModuleDescriptor& module, const ModuleOutput& output) override;

 private:
  std::FILE* stream_;
  bool tty_;
};

// The outcome of an analysis (or of a re-check); `output_directory` empty: nothing was written.
void print_summary(std::FILE* stream, const AnalysisOutcome& outcome, const std::string& output_directory);

}  // namespace lumiere::output
