#include "framework/analysis.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

namespace lumiere {

const char* to_string(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::kSpywareSigns: return "SIGNS OF KNOWN SPYWARE";
    case Verdict::kInconclusive: return "INCONCLUSIVE";
    case Verdict::kNeedsReview: return "NEEDS EXPERT REVIEW";
    case Verdict::kNoSign: break;
  }
  return "NO SIGN";
}

AlertCounts count_alerts(std::span<const ModuleRun> runs) {
  AlertCounts counts;
  for (const auto& run : runs) {
    for (const auto& alert : run.output.alerts) ++counts.by_level[static_cast<int>(alert.level)];
  }
  return counts;
}

Verdict verdict_for(const AlertCounts& counts) {
  if (counts.severe() > 0) return Verdict::kSpywareSigns;
  if (counts.at(AlertLevel::kMedium) > 0) return Verdict::kNeedsReview;
  return Verdict::kNoSign;
}

Coverage coverage_of(std::span<const ModuleRun> runs) {
  Coverage coverage;
  coverage.modules = runs.size();
  for (const auto& run : runs) {
    switch (run.output.status) {
      case ModuleStatus::kRan: ++coverage.analysed; break;
      case ModuleStatus::kMissing: ++coverage.missing; break;
      case ModuleStatus::kUnsupported:
      case ModuleStatus::kCorrupt:
      case ModuleStatus::kFailed: ++coverage.unreadable; break;
      case ModuleStatus::kNotRun: break;
    }
  }
  return coverage;
}

std::span<const std::string_view> key_modules(SourceKind source) {
  static constexpr std::array<std::string_view, 4> kIosBackup{"manifest", "sms", "datausage", "safari_history"};
  switch (source) {
    case SourceKind::kIosBackup: return kIosBackup;
    default: break;
  }
  return {};
}

namespace {

bool unreadable(ModuleStatus status) {
  return status == ModuleStatus::kCorrupt || status == ModuleStatus::kUnsupported || status == ModuleStatus::kFailed;
}

}  // namespace

std::vector<std::string> inconclusive_reasons(SourceKind source, std::span<const ModuleRun> runs,
                                              std::size_t indicator_count) {
  std::vector<std::string> reasons;
  if (indicator_count == 0) {
    reasons.emplace_back("no indicators of compromise were loaded: run `lumiere iocs update` or pass -i");
  }
  const auto keys = key_modules(source);
  for (const auto& run : runs) {
    if (!unreadable(run.output.status)) continue;
    if (std::find(keys.begin(), keys.end(), run.descriptor->slug) == keys.end()) continue;
    std::string reason = fmt::format("the {} artifact could not be read", run.descriptor->slug);
    if (!run.output.status_detail.empty()) reason += ": " + run.output.status_detail;
    reasons.push_back(std::move(reason));
  }
  const Coverage coverage = coverage_of(runs);
  if (coverage.unreadable > 0 && coverage.unreadable >= coverage.analysed) {
    reasons.push_back(fmt::format("{} of {} modules could not read their artifact (only {} could)", coverage.unreadable,
                                  coverage.modules, coverage.analysed));
  }
  return reasons;
}

namespace {

AnalysisOutcome outcome_of(SourceKind source, std::vector<ModuleRun> runs, const RunEnvironment& env) {
  AnalysisOutcome outcome;
  outcome.source = source;
  outcome.runs = std::move(runs);
  outcome.counts = count_alerts(outcome.runs);
  outcome.coverage = coverage_of(outcome.runs);
  outcome.indicator_count = env.indicators == nullptr ? 0 : env.indicators->size();
  outcome.inconclusive = inconclusive_reasons(source, outcome.runs, outcome.indicator_count);
  outcome.verdict = verdict_for(outcome.counts);
  if (outcome.verdict != Verdict::kSpywareSigns && !outcome.inconclusive.empty()) {
    outcome.verdict = Verdict::kInconclusive;
  }
  return outcome;
}

}  // namespace

Result<AnalysisOutcome> analyse(const sources::Source& source, const AnalysisRequest& request) {
  auto plan = plan_modules(request.registry, request.kind, request.only_module);
  if (!plan) return std::move(plan).error();
  RunEnvironment env = request.environment;
  env.source = &source;
  auto runs = run_modules(*plan, env, request.observers);
  if (!runs) return std::move(runs).error();
  return outcome_of(request.kind, std::move(*runs), env);
}

RecheckOutcome recheck(const std::filesystem::path& folder, std::span<const SourceKind> sources,
                       const AnalysisRequest& request) {
  std::vector<RegistryEntry> selected;
  for (const auto& entry : request.registry) {
    if (!request.only_module || find_module(std::span<const RegistryEntry>(&entry, 1), *request.only_module)) {
      selected.push_back(entry);
    }
  }
  RecheckSummary summary = recheck_stored_results(selected, sources, folder, request.environment);
  RecheckOutcome result;
  result.skipped = std::move(summary.skipped);
  result.outcome =
      outcome_of(sources.empty() ? request.kind : sources.front(), std::move(summary.runs), request.environment);
  return result;
}

}  // namespace lumiere
