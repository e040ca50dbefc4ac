// The analysis as a library call: plan the modules that apply to the evidence, run them, count the alerts,
// say what could be checked and reach the verdict. Commands only build an AnalysisRequest and print or write
// the AnalysisOutcome; nothing decides a verdict from the files a run wrote.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "framework/module.hpp"
#include "framework/registry.hpp"
#include "framework/runner.hpp"
#include "sources/source.hpp"

namespace lumiere {

// SIGNS FOUND wins over everything; INCONCLUSIVE (nothing could be checked well enough to say "no sign")
// wins over NEEDS REVIEW and NO SIGN.
enum class Verdict { kSpywareSigns, kInconclusive, kNeedsReview, kNoSign };
const char* to_string(Verdict verdict) noexcept;

struct AlertCounts {
  std::size_t by_level[kAlertLevelCount] = {};
  [[nodiscard]] std::size_t at(AlertLevel level) const { return by_level[static_cast<int>(level)]; }
  // HIGH and CRITICAL: the alerts that make a verdict of spyware signs.
  [[nodiscard]] std::size_t severe() const { return at(AlertLevel::kHigh) + at(AlertLevel::kCritical); }
  [[nodiscard]] std::size_t total() const {
    std::size_t sum = 0;
    for (const std::size_t n : by_level) sum += n;
    return sum;
  }
};

AlertCounts count_alerts(std::span<const ModuleRun> runs);
// The alerts' part of the rule: a HIGH or CRITICAL alert is a sign of spyware, a MEDIUM one needs review.
Verdict verdict_for(const AlertCounts& counts);

// What the run could check, module by module status.
struct Coverage {
  std::size_t modules = 0;     // modules planned and run
  std::size_t analysed = 0;    // read their artifact
  std::size_t missing = 0;     // found no artifact
  std::size_t unreadable = 0;  // artifact there but damaged, of an unknown schema, or the module failed
};
Coverage coverage_of(std::span<const ModuleRun> runs);

// The artifacts that carry most of the evidence for one kind of acquisition: when one of them is there but
// could not be read, the run cannot say "no sign". iOS backup: the Manifest.db listing (file names and paths),
// the messages (sms.db), the process network use (DataUsage.sqlite) and the Safari history.
std::span<const std::string_view> key_modules(SourceKind source);

// Why a run that found no sign cannot be called clean (empty when it can): no indicator loaded, a key
// artifact unreadable, or more modules unable to read their artifact than modules that read one.
std::vector<std::string> inconclusive_reasons(SourceKind source, std::span<const ModuleRun> runs,
                                              std::size_t indicator_count);

struct AnalysisRequest {
  // What the evidence is (an iOS backup, a filesystem dump, ...): decides which modules apply.
  SourceKind kind = SourceKind::kIosBackup;
  // Only this module (slug, id or MVT class) and what it depends on; all modules when unset.
  std::optional<std::string> only_module;
  std::span<const RegistryEntry> registry = module_registry();
  RunEnvironment environment;  // logger, indicators, jobs, options (its source is set by analyse())
  std::span<RunObserver* const> observers;
};

struct AnalysisOutcome {
  SourceKind source = SourceKind::kIosBackup;
  std::vector<ModuleRun> runs;  // in plan order
  AlertCounts counts;
  Coverage coverage;
  Verdict verdict = Verdict::kNoSign;
  std::vector<std::string> inconclusive;  // inconclusive_reasons(), also when signs were found
  std::size_t indicator_count = 0;
};

// Plans the modules of `request.registry` that apply to `request.kind` and runs them over `source`.
// Errors: an unknown module or a bad plan (nothing runs), or evidence that turned out to be encrypted
// (kEncrypted: no result of the run is meaningful).
Result<AnalysisOutcome> analyse(const sources::Source& source, const AnalysisRequest& request);

// check-iocs: re-runs the indicator checks over the `<slug>.json` results stored in `folder` by an earlier run
// (modules applying to one of `sources`); `skipped` says which stored files could not be re-checked and why.
struct RecheckOutcome {
  AnalysisOutcome outcome;
  std::vector<std::string> skipped;
};
RecheckOutcome recheck(const std::filesystem::path& folder, std::span<const SourceKind> sources,
                       const AnalysisRequest& request);

}  // namespace lumiere
