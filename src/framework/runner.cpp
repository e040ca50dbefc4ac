#include "framework/runner.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <fstream>
#include <memory>
#include <mutex>
#include <queue>
#include <set>
#include <thread>
#include <tuple>

namespace lumiere {
namespace {

ModuleStatus status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound: return ModuleStatus::kMissing;
    case ErrorCode::kUnsupported: return ModuleStatus::kUnsupported;
    case ErrorCode::kCorrupt:
    case ErrorCode::kParse:
    case ErrorCode::kLimitExceeded: return ModuleStatus::kCorrupt;
    default: return ModuleStatus::kFailed;
  }
}

WarningKind warning_for(ModuleStatus status) {
  switch (status) {
    case ModuleStatus::kMissing: return WarningKind::kMissing;
    case ModuleStatus::kUnsupported: return WarningKind::kUnsupported;
    case ModuleStatus::kCorrupt: return WarningKind::kCorrupt;
    default: return WarningKind::kFailed;
  }
}

// Per-module de-duplication of timeline rows (MVT dedups by content), in a deterministic order.
void dedup_timeline(std::vector<TimelineEntry>& rows) {
  auto key = [](const TimelineEntry& e) { return std::tie(e.timestamp, e.module, e.event, e.data); };
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a) < key(b); });
  rows.erase(std::unique(rows.begin(), rows.end(), [&](const auto& a, const auto& b) { return key(a) == key(b); }),
             rows.end());
}

// The module's artifact as the warnings name it: its first location ("*/" when any domain will do).
std::string artifact_label(const ModuleDescriptor& descriptor) {
  for (const auto& location : descriptor.locations) {
    if (location.relative_path.empty()) continue;
    return fmt::format("{}/{}", location.domain.empty() ? "*" : location.domain, location.relative_path);
  }
  return std::string(descriptor.slug);
}

}  // namespace

Result<std::vector<const RegistryEntry*>> plan_modules(std::span<const RegistryEntry> registry, SourceKind source,
                                                       const std::optional<std::string>& only) {
  std::vector<const RegistryEntry*> candidates;
  for (const auto& entry : registry) {
    if (entry.descriptor().applies_to(source)) candidates.push_back(&entry);
  }
  auto index_of = [&](std::string_view slug) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < candidates.size(); ++i) {
      if (candidates[i]->descriptor().slug == slug) return i;
    }
    return std::nullopt;
  };

  std::vector<bool> selected(candidates.size(), only.has_value() ? false : true);
  if (only) {
    const RegistryEntry* target = find_module(registry, *only);
    if (target == nullptr) {
      return unexpected(ErrorCode::kInvalidArgument, fmt::format("no module named \"{}\" (see --list-modules)", *only));
    }
    const auto start = index_of(target->descriptor().slug);
    if (!start) {
      return unexpected(ErrorCode::kInvalidArgument,
                        fmt::format("module \"{}\" does not apply to {}", *only, to_string(source)));
    }
    std::vector<std::size_t> stack{*start};
    while (!stack.empty()) {
      const std::size_t i = stack.back();
      stack.pop_back();
      if (selected[i]) continue;
      selected[i] = true;
      for (const auto dep : candidates[i]->descriptor().dependencies) {
        const auto j = index_of(dep);
        if (!j) return unexpected(ErrorCode::kInvalidArgument, fmt::format("unknown dependency \"{}\"", dep));
        stack.push_back(*j);
      }
    }
  }

  // Stable topological order: among modules whose dependencies are done, the earliest in the list first.
  const std::size_t n = candidates.size();
  std::vector<std::vector<std::size_t>> dependents(n);
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (!selected[i]) continue;
    for (const auto dep : candidates[i]->descriptor().dependencies) {
      const auto j = index_of(dep);
      if (!j || !selected[*j]) {
        return unexpected(ErrorCode::kInvalidArgument, fmt::format("module \"{}\" depends on unknown module \"{}\"",
                                                                   candidates[i]->descriptor().slug, dep));
      }
      dependents[*j].push_back(i);
      ++pending[i];
    }
  }
  std::priority_queue<std::size_t, std::vector<std::size_t>, std::greater<>> ready;
  for (std::size_t i = 0; i < n; ++i) {
    if (selected[i] && pending[i] == 0) ready.push(i);
  }
  std::vector<const RegistryEntry*> plan;
  while (!ready.empty()) {
    const std::size_t i = ready.top();
    ready.pop();
    plan.push_back(candidates[i]);
    for (const auto k : dependents[i]) {
      if (--pending[k] == 0) ready.push(k);
    }
  }
  const auto wanted = static_cast<std::size_t>(std::count(selected.begin(), selected.end(), true));
  if (plan.size() != wanted) return unexpected(ErrorCode::kInvalidArgument, "module dependencies form a cycle");
  return plan;
}

std::size_t effective_jobs(std::size_t requested) {
  if (requested > 0) return requested;
  return std::max<std::size_t>(1, std::thread::hardware_concurrency());
}

namespace {

// Runs one module into `run`, logging into `log` (its own buffer). Returns the error only for kEncrypted,
// which aborts the whole run.
std::optional<Error> execute_module(const RegistryEntry& entry, ModuleRun& run, Logger& log,
                                    const std::vector<ModuleRun>& runs, const RunEnvironment& env,
                                    const ioc::IndicatorSet* indicators) {
  const ModuleDescriptor& descriptor = *run.descriptor;
  ModuleContext ctx(descriptor, run.output, log, indicators, env.options);
  ctx.set_source(env.source);
  // A dependency's results are read by its dependents as Json: those stay in memory, not streamed.
  const bool needed_by_others = std::any_of(runs.begin(), runs.end(), [&](const ModuleRun& other) {
    const auto& deps = other.descriptor->dependencies;
    return std::find(deps.begin(), deps.end(), descriptor.slug) != deps.end();
  });
  if (env.streams != nullptr) ctx.set_stream(env.streams->open(descriptor), !needed_by_others);
  // Only declared dependencies are visible: they are the modules guaranteed to have finished, whatever
  // the number of jobs.
  ctx.set_results_lookup([&runs, &descriptor](std::string_view slug) -> const Json* {
    if (std::find(descriptor.dependencies.begin(), descriptor.dependencies.end(), slug) ==
        descriptor.dependencies.end()) {
      return nullptr;
    }
    for (const auto& done : runs) {
      if (done.descriptor->slug == slug) return &done.output.results;
    }
    return nullptr;
  });
  const std::string logger = ctx.logger_name();
  log.info(logger, fmt::format("Running module {}...", descriptor.mvt_class));
  std::optional<Error> failure;
  const std::uint64_t invalid_before = invalid_utf8_texts();  // per thread: the module runs on this one
  try {
    auto result = entry.create()->run(ctx);
    if (!result) failure = result.error();
  } catch (const std::exception& e) {
    failure = Error{ErrorCode::kInternal, fmt::format("module raised an exception: {}", e.what()), {}};
  } catch (...) {
    failure = Error{ErrorCode::kInternal, "module raised an unknown exception", {}};
  }
  if (failure && failure->code == ErrorCode::kEncrypted) return failure;
  if (const std::uint64_t invalid = invalid_utf8_texts() - invalid_before; invalid > 0) {
    ctx.warn(WarningKind::kNote, artifact_label(descriptor),
             fmt::format("{} text value(s) in this artifact are not valid UTF-8; their bytes are shown as \\xNN "
                         "(unusual on a phone: worth a look)",
                         invalid));
  }
  if (failure) {
    run.output.status = status_for(failure->code);
    run.output.status_detail = failure->describe();
    const WarningKind kind = warning_for(run.output.status);
    if (kind == WarningKind::kMissing) {
      log.info(logger, fmt::format("There might be no data to extract by module {}: {}", descriptor.mvt_class,
                                   failure->describe()));
      run.output.warnings.push_back(Warning{kind, std::string(descriptor.slug), failure->path, failure->message});
    } else {
      ctx.warn(kind, failure->path,
               fmt::format("module {} could not analyse this artifact: {}", descriptor.slug, failure->message));
    }
  } else {
    run.output.status = ModuleStatus::kRan;
    if (indicators != nullptr && run.output.alerts.empty()) {
      log.info(logger, fmt::format("The {} module produced no detections!", descriptor.mvt_class));
    }
  }
  dedup_timeline(run.output.timeline);
  return std::nullopt;
}

}  // namespace

Result<std::vector<ModuleRun>> run_modules(const std::vector<const RegistryEntry*>& plan, const RunEnvironment& env,
                                           std::span<RunObserver* const> observers) {
  const std::size_t n = plan.size();
  std::vector<ModuleRun> runs(n);
  std::vector<std::unique_ptr<Logger>> logs;
  logs.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    runs[i].descriptor = &plan[i]->descriptor();
    logs.push_back(std::make_unique<Logger>(Logger::Mode::kBuffered));
  }
  std::vector<std::optional<Error>> aborted(n);
  const ioc::IndicatorSet* indicators =
      (env.indicators != nullptr && !env.indicators->empty()) ? env.indicators : nullptr;

  // Observers and log lines of module `i`, on the calling thread, in plan order. False when it aborted.
  auto emit = [&](std::size_t i) {
    for (auto* observer : observers) observer->module_started(*runs[i].descriptor, i, n);
    logs[i]->flush_to(*env.logger);
    if (aborted[i]) return false;
    for (auto* observer : observers) observer->module_finished(*runs[i].descriptor, runs[i].output);
    return true;
  };

  const std::size_t workers = std::min(effective_jobs(env.jobs), n);
  if (workers <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      aborted[i] = execute_module(*plan[i], runs[i], *logs[i], runs, env, indicators);
      if (!emit(i)) return std::move(*aborted[i]);
    }
    return runs;
  }

  // Plan indexes of each module's dependents; the plan is topological, so dependencies come first.
  std::vector<std::vector<std::size_t>> dependents(n);
  std::vector<std::size_t> pending(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto dep : runs[i].descriptor->dependencies) {
      for (std::size_t j = 0; j < i; ++j) {
        if (runs[j].descriptor->slug == dep) {
          dependents[j].push_back(i);
          ++pending[i];
        }
      }
    }
  }
  std::mutex mutex;
  std::condition_variable changed;
  std::set<std::size_t> ready;
  std::vector<char> taken(n, 0);
  std::vector<char> done(n, 0);
  std::size_t abort_at = n;  // modules from the first aborted one on are not started
  for (std::size_t i = 0; i < n; ++i) {
    if (pending[i] == 0) ready.insert(i);
  }

  auto work = [&] {
    std::unique_lock lock(mutex);
    while (true) {
      changed.wait(lock, [&] {
        if (!ready.empty() && *ready.begin() < abort_at) return true;
        return std::all_of(taken.begin(), taken.begin() + static_cast<std::ptrdiff_t>(abort_at),
                           [](char t) { return t != 0; });
      });
      if (ready.empty() || *ready.begin() >= abort_at) return;
      const std::size_t i = *ready.begin();
      ready.erase(ready.begin());
      taken[i] = 1;
      lock.unlock();
      std::optional<Error> failure = execute_module(*plan[i], runs[i], *logs[i], runs, env, indicators);
      lock.lock();
      aborted[i] = std::move(failure);
      done[i] = 1;
      if (aborted[i]) abort_at = std::min(abort_at, i);
      for (const auto k : dependents[i]) {
        if (--pending[k] == 0) ready.insert(k);
      }
      changed.notify_all();
    }
  };

  std::vector<std::jthread> threads;
  threads.reserve(workers);
  for (std::size_t t = 0; t < workers; ++t) threads.emplace_back(work);
  for (std::size_t i = 0; i < n; ++i) {
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return done[i] != 0; });
    }
    if (!emit(i)) {
      threads.clear();  // joins: modules still running finish first
      return std::move(*aborted[i]);
    }
  }
  threads.clear();
  return runs;
}

RecheckSummary recheck_stored_results(std::span<const RegistryEntry> registry, std::span<const SourceKind> sources,
                                      const std::filesystem::path& folder, const RunEnvironment& env) {
  RecheckSummary summary;
  const ioc::IndicatorSet* indicators =
      (env.indicators != nullptr && !env.indicators->empty()) ? env.indicators : nullptr;
  for (const auto& entry : registry) {
    const ModuleDescriptor& descriptor = entry.descriptor();
    const bool applies =
        std::any_of(sources.begin(), sources.end(), [&](SourceKind k) { return descriptor.applies_to(k); });
    if (!applies) continue;
    const std::string name = std::string(descriptor.slug) + ".json";
    std::error_code ec;
    if (!std::filesystem::is_regular_file(folder / name, ec)) continue;
    std::ifstream in(folder / name, std::ios::binary);
    const Json stored = Json::parse(in, nullptr, false);
    if (stored.is_discarded()) {
      summary.skipped.push_back(name + ": not valid JSON");
      env.logger->warning("lumiere.check_iocs", name + ": not valid JSON, skipped");
      continue;
    }
    ModuleRun run{&descriptor, {}};
    ModuleContext ctx(descriptor, run.output, *env.logger, indicators, env.options);
    std::optional<Error> failure;
    try {
      if (indicators != nullptr) {
        auto ok = entry.create()->recheck(ctx, stored);
        if (!ok) failure = ok.error();
      }
    } catch (const std::exception& e) {
      failure = Error{ErrorCode::kInternal, e.what(), name};
    }
    if (failure) {
      summary.skipped.push_back(name + ": " + failure->message);
      env.logger->warning("lumiere.check_iocs", name + ": " + failure->message);
      continue;
    }
    run.output.status = ModuleStatus::kRan;
    summary.runs.push_back(std::move(run));
  }
  return summary;
}

}  // namespace lumiere
