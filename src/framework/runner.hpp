// Runs modules in order, each isolated: a missing artifact, a corrupt database, an error or an exception in
// one module becomes a warning naming the module and the file, and the next module runs.
#pragma once

#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "framework/module.hpp"
#include "framework/registry.hpp"

namespace lumiere {

struct ModuleRun {
  const ModuleDescriptor* descriptor = nullptr;
  ModuleOutput output;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void module_started(const ModuleDescriptor& /*module*/, std::size_t /*index*/, std::size_t /*total*/) {}
  virtual void module_finished(const ModuleDescriptor& /*module*/, const ModuleOutput& /*output*/) {}
};

// Modules of `registry` that apply to `source`, in registry order made stable-topological over their
// dependencies. With `only`, that module and its transitive dependencies. Unknown module, unknown
// dependency or a cycle → error (and nothing runs).
Result<std::vector<const RegistryEntry*>> plan_modules(std::span<const RegistryEntry> registry, SourceKind source,
                                                       const std::optional<std::string>& only);

struct RunEnvironment {
  Logger* logger = nullptr;
  // Modules run at once (--jobs); 0 = the core count. A module starts only once its dependencies are done;
  // results, observer calls and log lines come out in plan order whatever the number.
  std::size_t jobs = 1;
  // With streams, list modules' records (except those another planned module depends on, which it reads) and
  // every timeline row go to the module's stream as they are produced: bounded memory on large backups.
  // nullptr by default (tests read `results` and `timeline`).
  OutputStreams* streams = nullptr;
  const ioc::IndicatorSet* indicators = nullptr;  // nullptr or empty: IOC-gated checks do not run
  RunOptions options;
  const sources::Source* source = nullptr;  // the evidence (an iOS backup, a folder, an archive)
};

// The number of jobs `requested` means: itself, or the core count for 0.
std::size_t effective_jobs(std::size_t requested);

// Runs the plan. Fails only when the evidence turns out to be encrypted (kEncrypted): then no result of
// this run is meaningful.
Result<std::vector<ModuleRun>> run_modules(const std::vector<const RegistryEntry*>& plan, const RunEnvironment& env,
                                           std::span<RunObserver* const> observers);

struct RecheckSummary {
  std::vector<ModuleRun> runs;       // modules whose stored results were found and re-checked
  std::vector<std::string> skipped;  // "<slug>.json: why"
};

// check-iocs: for every module of `registry` applying to one of `sources` whose `<slug>.json` is in `folder`,
// re-runs its indicator checks on the stored records. Writes nothing.
RecheckSummary recheck_stored_results(std::span<const RegistryEntry> registry, std::span<const SourceKind> sources,
                                      const std::filesystem::path& folder, const RunEnvironment& env);

}  // namespace lumiere
