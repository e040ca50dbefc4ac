// What a person sees in the terminal: progress while modules run (only on a TTY), then counts per level,
// the top alerts in plain words, and one verdict line with its honest caveat.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "framework/runner.hpp"

namespace lumiere::output {

enum class Verdict { kSpywareSigns, kNeedsReview, kNoSign };

struct AlertCounts {
  std::size_t by_level[kAlertLevelCount] = {};
  [[nodiscard]] std::size_t at(AlertLevel level) const { return by_level[static_cast<int>(level)]; }
};

AlertCounts count_alerts(const std::vector<ModuleRun>& runs);
Verdict verdict_for(const AlertCounts& counts);
// One sentence, e.g. "Signs of known spyware found: 3 HIGH or CRITICAL alerts."
std::string verdict_line(const AlertCounts& counts);
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

struct SummaryContext {
  std::size_t indicator_count = 0;
  std::string output_directory;  // empty: nothing written
};

void print_summary(std::FILE* stream, const std::vector<ModuleRun>& runs, const SummaryContext& context);

}  // namespace lumiere::output
