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
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/log.hpp"
#include "core/result.hpp"
#include "framework/events.hpp"
#include "framework/evidence.hpp"
#include "indicators/indicator_set.hpp"

namespace lumiere {

namespace sources {
class IosBackup;
class Source;
}  // namespace sources
namespace sqlite {
class Database;
}
namespace plist {
struct Value;
}

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

// A module's pure parse step over one artifact, whatever its records: how many it read, or why it could not.
// The fuzz targets and tests iterate these through the registry; set the one(s) the module has.
struct ParseEntry {
  Result<std::size_t> (*sqlite)(const sqlite::Database& db) = nullptr;
  Result<std::size_t> (*plist)(const plist::Value& root) = nullptr;
  Result<std::size_t> (*text)(std::string_view content) = nullptr;
};

// parse_entry<&parse_x>: ParseEntry's signature over a parse function returning Result<records>, Result<Json>
// or records.
template <auto Parse, class Input>
Result<std::size_t> parse_entry(const Input& input) {
  auto parsed = Parse(input);
  if constexpr (requires { parsed.has_value(); }) {
    if (!parsed) return std::move(parsed).error();
    return parsed->size();
  } else {
    return parsed.size();
  }
}

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
  const Evidence* evidence = nullptr;  // &evidence::kExecution...: what its alerts mean (report.html, console)
  ParseEntry parse;

  [[nodiscard]] bool applies_to(SourceKind kind) const;
};

enum class ModuleStatus { kNotRun, kRan, kMissing, kUnsupported, kCorrupt, kFailed };

// Where a streaming run (check-backup) sends a module's records and timeline rows as they are produced, instead
// of ModuleOutput keeping them: the output writers implement it (straight to the files, the timeline as sorted
// runs merged at the end). Used from the module's own thread only.
class ModuleStream {
 public:
  virtual ~ModuleStream() = default;
  // A record of a list module, in order.
  virtual void record(Json&& record) = 0;
  // A timeline row; `record`: the fields of the list record it was made from (nullptr when none), `level`: the
  // most severe alert raised on that record so far.
  virtual void timeline(const TimelineEntry& row, const Json* record, std::optional<AlertLevel> level) = 0;
};

class OutputStreams {
 public:
  virtual ~OutputStreams() = default;
  // The stream of one module, asked for on the module's thread before it runs.
  virtual std::shared_ptr<ModuleStream> open(const ModuleDescriptor& module) = 0;
};
const char* to_string(ModuleStatus status) noexcept;

struct ModuleOutput {
  Json results;  // null when the module produced nothing; array or object (see descriptor.shape)
  // With RunEnvironment::streams, where a list module's records and every timeline row went instead of
  // `results` and `timeline`, and how many records it was given.
  std::shared_ptr<ModuleStream> stream;
  std::size_t streamed_records = 0;
  std::vector<Alert> alerts;
  std::vector<TimelineEntry> timeline;
  std::vector<Warning> warnings;
  std::vector<UrlRecord> urls;
  ModuleStatus status = ModuleStatus::kNotRun;
  std::string status_detail;

  [[nodiscard]] std::size_t record_count() const;
  // Record `index` of a list module kept in `results`, if there is one.
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

  // Stream list records (when `records`) and timeline rows instead of keeping them in the output.
  void set_stream(std::shared_ptr<ModuleStream> stream, bool records) {
    output_.stream = std::move(stream);
    stream_records_ = records && output_.stream != nullptr;
  }
  [[nodiscard]] bool stream_records() const { return stream_records_; }

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
  // The record that the next timeline rows come from (RecordModule sets it), and its fields.
  void set_record_index(std::optional<std::size_t> index) { record_index_ = index; }
  void set_record_fields(const Json* fields) { record_fields_ = fields; }
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
  const Json* record_fields_ = nullptr;
  // With a stream: the most severe alert of each record that raised one.
  std::unordered_map<std::size_t, AlertLevel> record_levels_;
  bool stream_records_ = false;
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

// The one record path of every module: typed records extracted by a pure function, then, one at a time,
// checked, turned into timeline rows (linked to their record and its alerts) and kept as JSON.
template <class Record>
class RecordModule : public Module {
 public:
  Result<void> run(ModuleContext& ctx) final {
    Sink sink(*this, ctx);
    auto produced = produce(ctx, [&sink](Record&& record) { sink.emit(std::move(record)); });
    if (!produced) return std::move(produced).error();
    sink.finish();
    return {};
  }

  Result<void> recheck(ModuleContext& ctx, const Json& stored) final {
    std::vector<Record> records;
    std::vector<const Json*> items;
    auto rebuild = [&](const Json& item, std::string_view key) {
      std::optional<Record> record = from_stored(item, key);
      if (!record) return false;
      records.push_back(std::move(*record));
      items.push_back(&item);
      return true;
    };
    const auto unsupported = [] {
      return unexpected(ErrorCode::kUnsupported, "this module does not support re-checking stored results");
    };
    if (descriptor().shape == ResultsShape::kList) {
      if (!stored.is_array()) return unexpected(ErrorCode::kParse, "stored results are not a JSON list");
      for (const Json& item : stored) {
        if (!rebuild(item, {})) return unsupported();
      }
    } else {
      if (!stored.is_object()) return unexpected(ErrorCode::kParse, "stored results are not a JSON dict");
      for (const auto& [key, item] : stored.items()) {
        if (item.is_array() && !rebuild(item, key)) return unsupported();
      }
    }
    // A whole-set pass may rename, add or re-sort records: the checks then see them as it left them.
    const bool changed = whole_set(ctx, records);
    for (std::size_t i = 0; i < records.size(); ++i) {
      ctx.set_record_index(i);
      check(ctx, records[i], changed ? to_json(records[i]) : *items[i]);
    }
    ctx.set_record_index(std::nullopt);
    return {};
  }

 protected:
  // Where records go, one at a time, in order: checked, turned into timeline rows, kept as JSON (or written to
  // the module's stream), then released. A streaming extract can emit into it directly.
  class Sink {
   public:
    Sink(const RecordModule& module, ModuleContext& ctx)
        : module_(module), ctx_(ctx), dict_(module.descriptor().shape == ResultsShape::kDict) {}

    void emit(Record record) {
      Json json = module_.to_json(record);
      ctx_.set_record_index(index_++);
      module_.check(ctx_, record, json);
      if (!dict_) ctx_.set_record_fields(&json);
      module_.timeline(ctx_, record);
      ctx_.set_record_fields(nullptr);
      any_ = any_ || !json.empty();
      if (dict_) {
        const std::string key = module_.group_key(record);
        if (key.empty()) {
          for (auto& [name, value] : json.items()) results_[name] = std::move(value);
        } else {
          results_[key] = std::move(json);
        }
      } else if (ctx_.stream_records()) {
        ctx_.output().stream->record(std::move(json));
        ++ctx_.output().streamed_records;
      } else {
        results_.push_back(std::move(json));
      }
    }

    void finish() {
      ctx_.set_record_index(std::nullopt);
      if (dict_ ? any_ : !results_.empty()) ctx_.output().results = std::move(results_);
    }

   private:
    const RecordModule& module_;
    ModuleContext& ctx_;
    bool dict_;
    bool any_ = false;
    std::size_t index_ = 0;
    Json results_ = dict_ ? Json::object() : Json::array();
  };

  // Every record at once (a module overrides this or produce()).
  [[nodiscard]] virtual Result<std::vector<Record>> extract(ModuleContext& /*ctx*/) const {
    return unexpected(ErrorCode::kInternal, "module has no extract step");
  }
  // Hands the records to `emit` in order. The default extracts them all, runs the whole-set pass and emits them;
  // a module without a whole-set pass over a large artifact overrides it to emit records as it reads them, so
  // it never holds them all.
  [[nodiscard]] virtual Result<void> produce(ModuleContext& ctx, const std::function<void(Record&&)>& emit) const {
    auto records = extract(ctx);
    if (!records) return std::move(records).error();
    whole_set(ctx, *records);
    for (auto& record : *records) emit(std::move(record));
    return {};
  }
  [[nodiscard]] virtual Json to_json(const Record& record) const = 0;
  // Rebuilds a record from its stored JSON (check-iocs); std::nullopt when the module cannot.
  [[nodiscard]] virtual std::optional<Record> from_json(const Json& /*stored*/) const { return std::nullopt; }
  // A dict module's record as stored under `key` of its results.
  [[nodiscard]] virtual std::optional<Record> from_stored(const Json& stored, std::string_view /*key*/) const {
    return from_json(stored);
  }
  // Dict modules: the results key of a record, or "" when the record's fields are the results themselves.
  [[nodiscard]] virtual std::string group_key(const Record& /*record*/) const { return {}; }
  // Heuristics that need every record at once (gaps in ids, a redirect and its destination), before the
  // records are emitted. An alert it raises names its record (ctx.set_record_index). Returns true when it
  // changed the set (renamed, added or re-sorted records). A module with this pass holds its records until
  // the pass is done; the others can stream.
  virtual bool whole_set(ModuleContext& /*ctx*/, std::vector<Record>& /*records*/) const { return false; }
  virtual void check(ModuleContext& /*ctx*/, const Record& /*record*/, const Json& /*json*/) const {}
  virtual void timeline(ModuleContext& /*ctx*/, const Record& /*record*/) const {}
};

}  // namespace lumiere
