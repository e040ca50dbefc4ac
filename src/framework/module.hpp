// A module = one artifact: a descriptor (data), an extraction (pure parse over an opened artifact), and the
// checks and timeline rows the runner derives from its records. Modules never write files.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "framework/events.hpp"
#include "indicators/indicator_set.hpp"

namespace lumiere {

namespace sources {
class IosBackup;
class Source;
}  // namespace sources

enum class SourceKind { kIosBackup, kIosFilesystem, kIosSysdiagnose, kAndroidBugreport, kAndroidQf, kAndroidBackup };
const char* to_string(SourceKind kind) noexcept;

// Where a module's artifact lives. Backup: by domain + relative path (file ID = SHA-1 of
// "domain-relativePath"), or a Manifest.db query when `relative_path` has '*'. Filesystem: a glob.
struct ArtifactLocation {
  std::string_view domain;
  std::string_view relative_path;
  std::string_view fs_glob;
};

enum class ResultsShape { kList, kDict };

struct ModuleDescriptor {
  std::string_view id;           // "ios.manifest": also the fixture folder name
  std::string_view slug;         // MVT slug: JSON file base name and alert "module"
  std::string_view mvt_class;    // MVT class name: timeline "Plugin" column
  std::string_view description;  // one line, for --list-modules
  std::vector<SourceKind> sources;
  std::vector<ArtifactLocation> locations;
  std::vector<std::string_view> timestamp_fields;
  std::vector<std::string_view> dependencies;  // slugs of modules that must run first
  ResultsShape shape = ResultsShape::kList;

  [[nodiscard]] bool applies_to(SourceKind kind) const;
};

enum class ModuleStatus { kNotRun, kRan, kMissing, kUnsupported, kCorrupt, kFailed };
const char* to_string(ModuleStatus status) noexcept;

struct ModuleOutput {
  Json results;  // null when the module produced nothing; array or object (see descriptor.shape)
  // With RunEnvironment::compact_results, a list module's records are kept here instead of in `results`.
  PackedJsonArray packed_results;
  std::vector<Alert> alerts;
  std::vector<TimelineEntry> timeline;
  std::vector<Warning> warnings;
  std::vector<UrlRecord> urls;
  ModuleStatus status = ModuleStatus::kNotRun;
  std::string status_detail;

  [[nodiscard]] std::size_t record_count() const;
  // The results whichever way they are kept (a copy).
  [[nodiscard]] Json results_json() const;
  // Record `index` of a list module, if there is one.
  [[nodiscard]] std::optional<Json> record(std::size_t index) const;
};

struct RunOptions {
  bool fast = false;
  // Set only with --resolve-short-urls: modules that check links expand shortened ones through it.
  // nullptr (the default) keeps the run offline; shortened links are then reported as not expanded.
  const ioc::ShortUrlResolver* short_url_resolver = nullptr;
};

class ModuleContext {
 public:
  ModuleContext(const ModuleDescriptor& descriptor, ModuleOutput& output, Logger& logger,
                const ioc::IndicatorSet* indicators, const RunOptions& options);

  [[nodiscard]] const ModuleDescriptor& descriptor() const { return descriptor_; }
  // nullptr when no indicator is loaded: IOC-gated checks do not run then (MVT behaviour).
  [[nodiscard]] const ioc::IndicatorSet* indicators() const { return indicators_; }
  [[nodiscard]] const RunOptions& options() const { return options_; }
  [[nodiscard]] Logger& log() { return logger_; }
  [[nodiscard]] std::string logger_name() const;

  // The evidence every module reads through (sources/source.hpp).
  void set_source(const sources::Source* source) { source_ = source; }
  [[nodiscard]] const sources::Source* source() const { return source_; }
  // The backup behind the source, for what only a backup has (Info.plist, Manifest.db); nullptr otherwise.
  [[nodiscard]] const sources::IosBackup* ios_backup() const;

  // Keep list records packed (ModuleOutput::packed_results) rather than as one Json array.
  void set_compact_results(bool compact) { compact_results_ = compact; }
  [[nodiscard]] bool compact_results() const { return compact_results_; }

  // Results of modules that ran before (dependencies); nullptr if absent.
  using ResultsLookup = std::function<const Json*(std::string_view slug)>;
  void set_results_lookup(ResultsLookup lookup) { lookup_ = std::move(lookup); }
  [[nodiscard]] const Json* results_of(std::string_view slug) const;

  // Emitters.
  // `match`, when given, fills matched_indicator.
  void alert(AlertLevel level, std::string message, std::string event_time, Json event, std::string provenance = {},
             const ioc::Match* match = nullptr);
  // An indicator hit, with the matcher's own message.
  void alert(AlertLevel level, const ioc::Match& match, std::string event_time, Json event,
             std::string provenance = {});
  void timeline(std::string timestamp, std::string event, std::string data);
  // The record that the next timeline rows come from (RecordModule sets it).
  void set_record_index(std::optional<std::size_t> index) { record_index_ = index; }
  void warn(WarningKind kind, std::string path, std::string message);
  void url(UrlRecord record);
  [[nodiscard]] ModuleOutput& output() { return output_; }

 private:
  const ModuleDescriptor& descriptor_;
  ModuleOutput& output_;
  Logger& logger_;
  const ioc::IndicatorSet* indicators_;
  const RunOptions& options_;
  const sources::Source* source_ = nullptr;
  ResultsLookup lookup_;
  std::optional<std::size_t> record_index_;
  bool compact_results_ = false;
};

class Module {
 public:
  virtual ~Module() = default;
  [[nodiscard]] virtual const ModuleDescriptor& descriptor() const = 0;
  // Extracts, checks and emits through ctx. An error with kNotFound means the artifact is absent (coverage
  // goes down, the run goes on); kUnsupported/kCorrupt name what is wrong; any other error or exception
  // becomes a "module failed" warning. kEncrypted aborts the run.
  virtual Result<void> run(ModuleContext& ctx) = 0;
  // Re-runs only the indicator checks over results stored by an earlier run (`<slug>.json`), without the
  // evidence (check-iocs). kUnsupported when the module cannot rebuild its records from JSON.
  virtual Result<void> recheck(ModuleContext& /*ctx*/, const Json& /*stored*/) {
    return unexpected(ErrorCode::kUnsupported, "this module does not support re-checking stored results");
  }
};

// The usual shape: typed records extracted by a pure function, then checked and turned into timeline rows.
template <class Record>
class RecordModule : public Module {
 public:
  Result<void> run(ModuleContext& ctx) final {
    auto records = extract(ctx);
    if (!records) return std::move(records).error();
    // One record at a time: checked, turned into timeline rows, then released, so that a large module never
    // holds its records twice (typed and as JSON). Only check() raises alerts and only timeline() adds rows,
    // so the alerts and the rows come out in the same order as checking all records first.
    const bool compact = ctx.compact_results();
    Json results = Json::array();
    for (std::size_t i = 0; i < records->size(); ++i) {
      const Record record = std::move((*records)[i]);
      Json json = to_json(record);
      ctx.set_record_index(i);
      check(ctx, record, json);
      timeline(ctx, record);
      if (compact) {
        ctx.output().packed_results.push_back(json);
      } else {
        results.push_back(std::move(json));
      }
    }
    ctx.set_record_index(std::nullopt);
    if (!results.empty()) ctx.output().results = std::move(results);
    return {};
  }

  Result<void> recheck(ModuleContext& ctx, const Json& stored) final {
    if (!stored.is_array()) return unexpected(ErrorCode::kParse, "stored results are not a JSON list");
    for (std::size_t i = 0; i < stored.size(); ++i) {
      const Json& item = stored[i];
      ctx.set_record_index(i);
      std::optional<Record> record = from_json(item);
      if (!record)
        return unexpected(ErrorCode::kUnsupported, "this module does not support re-checking stored results");
      check(ctx, *record, item);
    }
    return {};
  }

 protected:
  // Rebuilds a record from its stored JSON (check-iocs); std::nullopt when the module cannot.
  [[nodiscard]] virtual std::optional<Record> from_json(const Json& /*stored*/) const { return std::nullopt; }
  [[nodiscard]] virtual Result<std::vector<Record>> extract(ModuleContext& ctx) const = 0;
  [[nodiscard]] virtual Json to_json(const Record& record) const = 0;
  virtual void check(ModuleContext& /*ctx*/, const Record& /*record*/, const Json& /*json*/) const {}
  virtual void timeline(ModuleContext& /*ctx*/, const Record& /*record*/) const {}
};

}  // namespace lumiere
