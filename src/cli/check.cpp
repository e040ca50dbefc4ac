#include "cli/check.hpp"

#include <fmt/core.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <optional>
#include <thread>

#include "cli/app.hpp"
#include "cli/output_folder.hpp"
#include "core/hash.hpp"
#include "core/log.hpp"
#include "core/time.hpp"
#include "core/version.hpp"
#include "framework/registry.hpp"
#include "framework/runner.hpp"
#include "indicators/loader.hpp"
#include "indicators/resolver.hpp"
#include "indicators/stix_loader.hpp"
#include "output/console.hpp"
#include "output/html_report.hpp"
#include "output/mvt_files.hpp"
#include "sources/ios_backup.hpp"
#include "sources/ios_backup_source.hpp"
#include "sources/no_follow.hpp"

namespace lumiere::cli {
namespace {

namespace fs = std::filesystem;
constexpr const char* kLogger = "lumiere.cli";

// SHA-256 of every regular file under root, paths relative to it (no examiner paths in reports), hashed by
// `jobs` threads; sorted by path, so the list is the same whatever the number. Links and special files are
// neither hashed nor read: they go to `refused`, with why.
std::vector<output::FileHash> hash_evidence(const fs::path& root, std::size_t jobs, Logger& logger,
                                            std::vector<output::RefusedFile>& refused) {
  std::vector<output::FileHash> hashes;
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end; it != end;
       it.increment(ec)) {
    if (ec) break;
    if (it->is_symlink(ec) || (!it->is_regular_file(ec) && !it->is_directory(ec))) {
      std::string why;
      if (it->is_symlink(ec)) {
        why = "a symbolic link (-> " + fs::read_symlink(it->path(), ec).string() + "): never followed";
      } else {
        struct stat st {};
        why = ::lstat(it->path().c_str(), &st) == 0 ? sources::describe_special(st.st_mode) : "not a regular file";
      }
      refused.push_back(output::RefusedFile{it->path().lexically_relative(root).generic_string(), std::move(why)});
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    // Lexical: the iterator's paths start with root; fs::relative would resolve every file's path on disk.
    hashes.push_back(output::FileHash{it->path().lexically_relative(root).generic_string(), {}});
    files.push_back(it->path());
  }
  std::vector<std::optional<Error>> errors(files.size());
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      auto digest = hash::sha256_file(files[i]);
      if (digest) {
        hashes[i].sha256 = std::move(*digest);
      } else {
        errors[i] = std::move(digest).error();
      }
    }
  };
  {
    std::vector<std::jthread> threads;
    const std::size_t workers = std::min(effective_jobs(jobs), std::max<std::size_t>(files.size(), 1));
    for (std::size_t t = 1; t < workers; ++t) threads.emplace_back(work);
    work();
  }
  std::vector<output::FileHash> hashed;
  hashed.reserve(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (errors[i]) {
      logger.warning(kLogger, "cannot hash " + hashes[i].file_path + ": " + errors[i]->message);
      continue;
    }
    hashed.push_back(std::move(hashes[i]));
  }
  std::sort(hashed.begin(), hashed.end(), [](const auto& a, const auto& b) { return a.file_path < b.file_path; });
  std::sort(refused.begin(), refused.end(), [](const auto& a, const auto& b) { return a.file_path < b.file_path; });
  for (const auto& file : refused) logger.warning(kLogger, "not hashed: " + file.file_path + ": " + file.reason);
  return hashed;
}

bool given_with_i(const std::string& file, const CheckOptions& options) {
  std::error_code ec;
  const fs::path f = fs::absolute(file, ec).lexically_normal();
  for (const auto& given : options.iocs) {
    const fs::path g = fs::absolute(given, ec).lexically_normal();
    if (f == g) return true;
    const auto rel = f.lexically_relative(g);
    if (!rel.empty() && *rel.begin() != "..") return true;
  }
  return false;
}

}  // namespace

std::optional<ioc::IndicatorSet> load_indicator_set(const CheckOptions& options, Logger& logger) {
  ioc::IndicatorSources sources;
  for (const auto& path : options.iocs) sources.paths.emplace_back(path);
  if (options.only_given_iocs) {
    sources.use_environment = false;
    sources.use_user_data = false;
  }
  const ioc::IndicatorFileList listed = ioc::list_indicator_files(sources);
  for (const auto& note : listed.notes) logger.warning(kLogger, note);
  ioc::IndicatorSet indicators = ioc::load_stix2_files(listed.files);
  bool given_failed = false;
  std::size_t files = 0;
  for (const auto& report : indicators.file_reports()) {
    if (report.error) {
      logger.error(kLogger, report.error->describe());
      if (given_with_i(report.path, options)) given_failed = true;
    } else {
      ++files;
    }
    for (const auto& problem : report.problems) logger.warning(kLogger, report.path + ": " + problem);
  }
  // Said on every run, as MVT does: how much the verdict rests on.
  const std::string loaded = fmt::format("Loaded {} indicators from {} file(s) ({} collection(s))", indicators.size(),
                                         files, indicators.collections().size());
  logger.info(kLogger, fmt::format("Loaded a total of {} unique indicators", indicators.size()));  // MVT's line
  fmt::print(stderr, "{}\n", loaded);
  if (auto outdated = ioc::outdated_indicators_warning(indicators.files(), std::chrono::system_clock::now())) {
    logger.warning(kLogger, *outdated);
  }
  if (given_failed && !options.keep_going) {
    fmt::print(stderr,
               "lumiere: an indicator file given with -i could not be loaded (see above); fix or remove it, or pass "
               "--keep-going to run without it\n");
    return std::nullopt;
  }
  return indicators;
}

void list_modules(SourceKind source) {
  fmt::print("Modules for {}:\n", to_string(source));
  for (const auto& entry : module_registry()) {
    const auto& d = entry.descriptor();
    if (!d.applies_to(source)) continue;
    fmt::print("  {:<34} {}\n", d.slug, d.description);
  }
}

bool is_inside(const fs::path& child, const fs::path& parent) {
  std::error_code ec;
  const auto c = fs::weakly_canonical(child, ec);
  const auto p = fs::weakly_canonical(parent, ec);
  auto ci = c.begin();
  for (auto pi = p.begin(); pi != p.end(); ++pi, ++ci) {
    if (pi->empty()) continue;
    if (ci == c.end() || *ci != *pi) return false;
  }
  return true;
}

fs::path default_output_dir(const std::string& what) {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
  fs::path base = fs::current_path() / fmt::format("lumiere-{}-{}", what, stamp);
  // Never reused: two runs started in the same second get -2, -3, ... (mkdir is the atomic claim).
  for (int i = 1; i < 1000; ++i) {
    fs::path candidate = i == 1 ? base : fs::path(fmt::format("{}-{}", base.string(), i));
    if (::mkdir(candidate.c_str(), 0755) == 0) return candidate;
    if (errno != EEXIST) return candidate;  // the caller's own create reports why
  }
  return base;
}

int not_supported_yet(const std::string& what) {
  fmt::print(stderr, "lumiere: {} is not supported yet in this version of lumiere.\n", what);
  return kExitError;
}

output::HtmlReportInfo reader_report_info(const fs::path& evidence, std::string kind,
                                          const std::vector<ModuleRun>& runs, const ioc::IndicatorSet& indicators) {
  output::HtmlReportInfo info;
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(evidence, ec), ec);
  info.evidence_name =
      absolute.filename().empty() ? absolute.parent_path().filename().string() : absolute.filename().string();
  info.evidence_kind = std::move(kind);
  info.generated_at = timeconv::iso_from_unix_micros(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count());
  info.version = kVersion;
  info.indicator_count = indicators.size();
  info.ioc_sets = output::ioc_sets_of(indicators);
  if (auto outdated = ioc::outdated_indicators_warning(indicators.files(), std::chrono::system_clock::now())) {
    info.indicator_notes.push_back(std::move(*outdated));
  }
  for (const auto& run : runs) {
    if (run.descriptor->slug == "backup_info") info.device = run.output.results;
  }
  return info;
}

CheckResult run_ios_backup_check(const fs::path& backup_path, const CheckOptions& options,
                                 const std::string& command_line) {
  CheckResult result;
  if (options.list_modules) {
    list_modules(SourceKind::kIosBackup);
    result.exit_code = kExitClean;
    return result;
  }
  Logger logger;
  logger.set_console_level(options.verbose ? LogLevel::kDebug : LogLevel::kWarning);

  // An encrypted backup is unlocked here and scanned in place: modules read decrypted content in memory.
  auto backup = open_backup_for_reading(backup_path, options.secret);
  if (!backup) return result;

  std::optional<output::MvtFileWriter> writer;
  std::string output_dir = options.output;
  if (output_dir.empty()) {
    // Without -o the results still go somewhere a person can keep: a new dated folder here, as `scan` does.
    std::error_code ec;
    if (is_inside(fs::current_path(ec), backup_path) || is_inside(fs::current_path(ec), backup->root())) {
      fmt::print(stderr, "lumiere: run from outside the evidence or give -o: the results must not go inside it\n");
      return result;
    }
    output_dir = default_output_dir("check-backup").string();
  }
  const fs::path out(output_dir);
  if (is_inside(out, backup_path) || is_inside(out, backup->root())) {
    fmt::print(stderr, "lumiere: {}: the output folder must not be inside the evidence\n", out.string());
    return result;
  }
  // New or empty (or --force), and locked until this function returns: a second run into it fails.
  std::optional<OutputFolder> folder;
  if (!options.output_prepared) {
    auto prepared = OutputFolder::prepare(out, options.force);
    if (!prepared) {
      fmt::print(stderr, "lumiere: {}\n", prepared.error().describe());
      return result;
    }
    folder.emplace(std::move(*prepared));
  }
  const InterruptWatch interrupt_watch(logger, out);  // before command.log exists, so it can say so
  if (auto ok = logger.open_file(out / "command.log"); !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
    return result;
  }
  writer.emplace(out, options.timesketch, effective_jobs(options.jobs) > 1);
  result.output_directory = out.string();
  logger.info(kLogger, "Command: " + command_line);
  if (backup->found_in_subfolder())
    logger.info(kLogger, "Found iTunes backup in subfolder: " + backup->root().string());
  if (backup->encrypted()) {
    logger.info(kLogger, "The backup is encrypted; it is decrypted in memory as the modules read it");
    if (!backup->has_status_plist()) {
      logger.warning(kLogger, "Status.plist is missing: the backup may be incomplete or not copied whole");
    }
  }
  if (backup->decrypted_copy()) {
    logger.info(kLogger, "Manifest.plist says encrypted but Manifest.db is plain SQLite: read as a decrypted copy");
  }

  const auto loaded = load_indicator_set(options, logger);
  if (!loaded) return result;
  const ioc::IndicatorSet& indicators = *loaded;

  AnalysisRequest request;
  if (!options.module.empty()) request.only_module = options.module;
  RunEnvironment& env = request.environment;
  env.logger = &logger;
  env.indicators = &indicators;
  env.jobs = options.jobs;
  // Records and timeline rows go to the output files as the modules produce them.
  if (writer) env.streams = &*writer;
  env.options.fast = options.fast;
  std::optional<ioc::ShortUrlResolver> resolver;
  if (options.resolve_short_urls) {
    resolver.emplace(ioc::ShortUrlResolver::Options{});
    env.options.short_url_resolver = &*resolver;
    logger.info(kLogger, "Short URLs will be expanded with HTTP HEAD requests (--resolve-short-urls)");
  }
  const sources::IosBackupSource source(*backup);
  output::ConsoleProgress progress(stderr);
  std::vector<RunObserver*> observers{&progress};
  if (writer) observers.push_back(&*writer);
  request.observers = observers;
  auto outcome = analyse(source, request);
  if (!outcome) {
    fmt::print(stderr, "lumiere: {}\n", outcome.error().describe());
    return result;
  }

  result.exit_code = exit_code_for(outcome->verdict);
  for (const auto& reason : outcome->inconclusive) logger.info(kLogger, "Could not conclude: " + reason);
  logger.info(kLogger, std::string("Verdict: ") + to_string(outcome->verdict));
  if (writer) {
    output::RunInfo info;
    std::error_code ec;
    info.target_path = fs::absolute(backup_path, ec).string();
    info.ioc_files = indicators.files();
    if (options.hashes) {
      info.hashes = hash_evidence(backup->root(), options.jobs, logger, info.refused);
    }
    if (auto ok = writer->finish(outcome->runs, info); !ok) {
      fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
      logger.error(kLogger, ok.error().describe());
      result.exit_code = kExitError;
    }
    output::HtmlReportInfo report_info = reader_report_info(backup_path, "iOS backup", outcome->runs, indicators);
    report_info.timeline = &writer->html_timeline();
    if (options.example_device) {
      report_info.example = true;
      report_info.evidence_kind = "Example iPhone backup";
      report_info.evidence_name = "generated by lumiere demo (not a real device)";
    }
    // timeline.jsonl, with --timesketch, was written by the writer from the streamed rows.
    if (auto ok = output::write_reader_reports(writer->directory(), *outcome, report_info, false); !ok) {
      fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
      logger.error(kLogger, ok.error().describe());
      result.exit_code = kExitError;
    }
  }
  const bool written = result.exit_code != kExitError;
  // Never point to a report that was not (completely) written.
  output::print_summary(stdout, *outcome, written ? output_dir : std::string());
  if (!written) {
    fmt::print(stderr, "lumiere: the results in {} are INCOMPLETE: some files could not be written (see above)\n",
               output_dir);
  }
  result.outcome = std::move(*outcome);
  return result;
}

int check_ios_backup(const fs::path& backup_path, const CheckOptions& options, const std::string& command_line) {
  return run_ios_backup_check(backup_path, options, command_line).exit_code;
}

int check_iocs(const fs::path& folder, const CheckOptions& options, std::span<const SourceKind> sources) {
  if (options.list_modules) {
    for (const auto source : sources) list_modules(source);
    return kExitClean;
  }
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) {
    fmt::print(stderr, "lumiere: {}: not a folder of results (give the -o folder of an earlier run)\n",
               folder.string());
    return kExitError;
  }
  Logger logger;
  logger.set_console_level(options.verbose ? LogLevel::kDebug : LogLevel::kWarning);
  const auto loaded = load_indicator_set(options, logger);
  if (!loaded) return kExitError;
  const ioc::IndicatorSet& indicators = *loaded;
  if (indicators.empty()) {
    fmt::print(stderr, "lumiere: no indicators loaded: give some with -i, LUMIERE_IOCS or `lumiere iocs update`\n");
    return kExitError;
  }
  AnalysisRequest request;
  request.environment.logger = &logger;
  request.environment.indicators = &indicators;
  if (!options.module.empty()) request.only_module = options.module;
  const RecheckOutcome rechecked = recheck(folder, sources, request);
  const AnalysisOutcome& outcome = rechecked.outcome;
  if (outcome.runs.empty()) {
    // Nothing to re-check is not a clean result: the folder is not the output of an earlier run.
    fmt::print(stderr, "lumiere: {}: no stored module results (<module>.json) to re-check here\n", folder.string());
    for (const auto& skipped : rechecked.skipped) fmt::print(stderr, "  skipped {}\n", skipped);
    return kExitError;
  }
  fmt::print("Re-checked the stored results of {} module(s) against {} indicators.\n", outcome.runs.size(),
             indicators.size());
  for (const auto& skipped : rechecked.skipped) fmt::print("  skipped {}\n", skipped);
  fmt::print("The check of the results produced {} detections!\n", outcome.counts.total());
  output::print_summary(stdout, outcome, "");
  return exit_code_for(outcome.verdict);
}

}  // namespace lumiere::cli
