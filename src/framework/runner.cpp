#include "framework/runner.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <exception>
#include <fstream>
#include <queue>
#include <set>
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

Result<std::vector<ModuleRun>> run_modules(const std::vector<const RegistryEntry*>& plan, const RunEnvironment& env,
                                           std::span<RunObserver* const> observers) {
  std::vector<ModuleRun> runs;
  runs.reserve(plan.size());
  const ioc::IndicatorSet* indicators =
      (env.indicators != nullptr && !env.indicators->empty()) ? env.indicators : nullptr;
  for (std::size_t index = 0; index < plan.size(); ++index) {
    const ModuleDescriptor& descriptor = plan[index]->descriptor();
    for (auto* observer : observers) observer->module_started(descriptor, index, plan.size());
    ModuleRun run{&descriptor, {}};
    ModuleContext ctx(descriptor, run.output, *env.logger, indicators, env.options);
    ctx.set_ios_backup(env.ios_backup);
    ctx.set_results_lookup([&runs](std::string_view slug) -> const Json* {
      for (const auto& done : runs) {
        if (done.descriptor->slug == slug) return &done.output.results;
      }
      return nullptr;
    });
    const std::string logger = ctx.logger_name();
    env.logger->info(logger, fmt::format("Running module {}...", descriptor.mvt_class));
    std::optional<Error> failure;
    const std::uint64_t invalid_before = invalid_utf8_texts();
    try {
      auto result = plan[index]->create()->run(ctx);
      if (!result) failure = result.error();
    } catch (const std::exception& e) {
      failure = Error{ErrorCode::kInternal, fmt::format("module raised an exception: {}", e.what()), {}};
    } catch (...) {
      failure = Error{ErrorCode::kInternal, "module raised an unknown exception", {}};
    }
    if (failure && failure->code == ErrorCode::kEncrypted) return std::move(*failure);
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
        env.logger->info(logger, fmt::format("There might be no data to extract by module {}: {}", descriptor.mvt_class,
                                             failure->describe()));
        run.output.warnings.push_back(Warning{kind, std::string(descriptor.slug), failure->path, failure->message});
      } else {
        ctx.warn(kind, failure->path,
                 fmt::format("module {} could not analyse this artifact: {}", descriptor.slug, failure->message));
      }
    } else {
      run.output.status = ModuleStatus::kRan;
      if (indicators != nullptr && run.output.alerts.empty()) {
        env.logger->info(logger, fmt::format("The {} module produced no detections!", descriptor.mvt_class));
      }
    }
    dedup_timeline(run.output.timeline);
    for (auto* observer : observers) observer->module_finished(descriptor, run.output);
    runs.push_back(std::move(run));
  }
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
