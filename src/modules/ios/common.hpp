// What iOS backup modules share: finding a module's artifact through its descriptor locations, opening a
// SQLite artifact (salvaging a damaged one), probing schemas, and checking links against indicators.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "framework/module.hpp"
#include "framework/sql_select.hpp"
#include "sources/ios_backup.hpp"
#include "sources/source.hpp"

namespace lumiere::modules::ios {

// The files of the module's artifact through ctx.source(). In a backup: over every location of its descriptor
// (an empty domain means any domain; a '*' in the path is a Manifest.db query), in descriptor order, each file
// once; files listed in Manifest.db whose blob is absent are skipped with a warning; when Manifest.db is
// unusable (damaged, no Files table), exact locations are still found by file ID, with a note saying so. In a
// folder or an archive: the module's filesystem globs (sources/ios_paths.hpp); matching entries that were
// refused (links, special files, hostile members) are warnings naming them.
// kNotFound when nothing is there; kEncrypted for an encrypted backup without its key.
Result<std::vector<sources::BackupFile>> find_artifacts(ModuleContext& ctx);

// Opens a SQLite artifact read-only. A database that SQLite reports as damaged is salvaged into memory
// (sqlite_recover.hpp) with a kCorrupt warning naming the file and what could be read.
Result<sqlite::Database> open_artifact_database(ModuleContext& ctx, const sources::BackupFile& file);

// Runs `parse` over the artifact database; when a query hits a damaged page half-way (kCorrupt) or a value
// over the size limit (kLimitExceeded), runs it again over the salvaged copy, with a warning.
template <class T>
Result<T> parse_artifact_database(ModuleContext& ctx, const sources::BackupFile& file,
                                  const std::function<Result<T>(const sqlite::Database&)>& parse);

// Columns of a table; empty when the table is absent.
struct TableColumns {
  std::vector<std::string> names;
  [[nodiscard]] bool exists() const { return !names.empty(); }
  [[nodiscard]] bool has(std::string_view column) const;
  [[nodiscard]] bool has_all(std::initializer_list<std::string_view> columns) const;
};
Result<TableColumns> table_columns(const sqlite::Database& db, std::string_view table);
// "SELECT table.c1, table.c2, ..., " for every column the table has, then the `optional` ones it lacks (a query
// prefixed with null_missing_columns reads those as NULL); `names` receives the columns in that order.
std::string select_all_columns(const TableColumns& columns, std::string_view table,
                               std::span<const std::string_view> optional, std::vector<std::string>& names);

// MVT's check_url_batches for one record: the links in order, the first that matches a URL or domain
// indicator raises one alert at `level` (shortened links are expanded only with --resolve-short-urls).
// Returns true when an alert was raised.
bool check_links(ModuleContext& ctx, std::span<const std::string> links, AlertLevel level,
                 const std::string& event_time, const Json& event, const std::string& provenance);

// urls.json entries for the links of one record (`source` is "sms", "whatsapp", ...).
void record_links(ModuleContext& ctx, std::span<const std::string> links, const std::string& timestamp,
                  std::string_view source);

// The records of every file of the module's artifact (find_artifacts), in file order. `parse(file)` reads one
// file and returns its records, each of which gets the file's provenance. With several files (Safari profiles,
// several WebKit folders...), a file that fails gives a warning naming it (kUnsupported or kCorrupt) and the
// others are still read; the module fails only when no file could be read. With a single file, its error is
// the module's result.
template <class Record, class Parse>
Result<std::vector<Record>> extract_each_artifact(ModuleContext& ctx, Parse&& parse);

// extract_each_artifact over SQLite artifacts, each parsed through parse_artifact_database.
template <class Record>
Result<std::vector<Record>> extract_each_database(
    ModuleContext& ctx, const std::function<Result<std::vector<Record>>(const sqlite::Database&)>& parse);

// extract_each_artifact over plist artifacts; an error names the file it comes from.
template <class Record>
Result<std::vector<Record>> extract_each_plist(
    ModuleContext& ctx, const std::function<Result<std::vector<Record>>(const plist::Value&)>& parse);

// How many records a streamed read holds back before handing them on. A database found damaged before then is
// salvaged and read again from the start, exactly as extract_each_database does; past it, records are handed
// on as they are read (bounded memory on a large artifact), and damage met later ends that file's read with
// its error, the records before it kept.
inline constexpr std::size_t kHeldRecords = 5000;

// A parse that hands each record of one database to `on_record` as it reads it.
template <class Record>
using StreamingParse =
    std::function<Result<void>(const sqlite::Database& db, const std::function<void(Record&&)>& on_record)>;

// extract_each_database's streaming form, for produce(): the records of every file of the artifact go to
// `emit` in file order (each with its file's provenance); `file_read(file)` is called once a file has been read
// whole, before its held records are emitted. A file that fails is handled as extract_each_artifact does.
template <class Record>
Result<void> stream_each_database(ModuleContext& ctx, const StreamingParse<Record>& parse,
                                  const std::function<void(Record&&)>& emit,
                                  const std::function<void(const sources::BackupFile&)>& file_read = {});

// --- Whole SQLite rows as MVT's JSON records ---

// One column value as MVT's JSON encoder writes it: integers, floats, text (invalid UTF-8 as \xNN), NULL as
// null; BLOBs as base64 text when `base64` (MVT encodes those fields itself), else as backslashreplace text.
Json column_json(const sqlite::Statement& stmt, int column, bool base64);
Json column_json(const sqlite::Statement& stmt, std::string_view column);  // BLOBs as backslashreplace text

// The schema notes a parse left on the database (optional columns read as null), at debug level.
void log_schema_notes(ModuleContext& ctx, const sqlite::Database& db);

// The text of a JSON string, "" for anything else.
std::string text_of(const Json& value);

// A Mac absolute time (integer or float seconds) as ISO text; "" (mac_time_iso) or null (mac_time_json)
// for anything else.
std::string mac_time_iso(const Json& value);
Json mac_time_json(const sqlite::Statement& stmt, int column);

// WhatsApp's suffix of a LID (linked identity) JID.
inline constexpr std::string_view kLidSuffix = "@lid";

// Salvage helper used by parse_artifact_database.
Result<sqlite::Database> salvage_database(ModuleContext& ctx, const sqlite::Database& damaged);

// One file of several that could not be read: a warning naming it; the first such error is kept.
void skip_failed_file(ModuleContext& ctx, const sources::BackupFile& file, Error error,
                      std::optional<Error>& first_error);

template <class T>
Result<T> parse_artifact_database(ModuleContext& ctx, const sources::BackupFile& file,
                                  const std::function<Result<T>(const sqlite::Database&)>& parse) {
  auto db = open_artifact_database(ctx, file);
  if (!db) return std::move(db).error();
  auto parsed = parse(*db);
  log_schema_notes(ctx, *db);
  if (parsed || (parsed.error().code != ErrorCode::kCorrupt && parsed.error().code != ErrorCode::kLimitExceeded) ||
      sqlite::stopped_by_budget(parsed.error())) {
    return parsed;
  }
  auto salvaged = salvage_database(ctx, *db);
  if (!salvaged) return std::move(parsed).error();
  auto reparsed = parse(*salvaged);
  log_schema_notes(ctx, *salvaged);
  return reparsed;
}

template <class Record, class Parse>
Result<std::vector<Record>> extract_each_artifact(ModuleContext& ctx, Parse&& parse) {
  auto files = find_artifacts(ctx);
  if (!files) return std::move(files).error();
  std::vector<Record> records;
  std::optional<Error> first_error;
  std::size_t read = 0;
  for (const auto& file : *files) {
    Result<std::vector<Record>> parsed = parse(file);
    if (!parsed) {
      if (files->size() == 1) return std::move(parsed).error();
      skip_failed_file(ctx, file, std::move(parsed).error(), first_error);
      continue;
    }
    ++read;
    for (auto& record : *parsed) {
      if constexpr (requires { record.provenance = file.provenance(); }) record.provenance = file.provenance();
      records.push_back(std::move(record));
    }
  }
  if (read == 0 && first_error) return std::move(*first_error);
  return records;
}

template <class Record>
Result<std::vector<Record>> extract_each_database(
    ModuleContext& ctx, const std::function<Result<std::vector<Record>>(const sqlite::Database&)>& parse) {
  return extract_each_artifact<Record>(ctx, [&](const sources::BackupFile& file) {
    return parse_artifact_database<std::vector<Record>>(ctx, file, parse);
  });
}

template <class Record>
Result<void> stream_each_database(ModuleContext& ctx, const StreamingParse<Record>& parse,
                                  const std::function<void(Record&&)>& emit,
                                  const std::function<void(const sources::BackupFile&)>& file_read) {
  auto files = find_artifacts(ctx);
  if (!files) return std::move(files).error();
  std::optional<Error> first_error;
  std::size_t read = 0;
  for (const auto& file : *files) {
    std::vector<Record> held;
    bool released = false;
    const std::function<void(Record &&)> on_record = [&](Record&& record) {
      if constexpr (requires { record.provenance = file.provenance(); }) record.provenance = file.provenance();
      if (released) {
        emit(std::move(record));
        return;
      }
      held.push_back(std::move(record));
      if (held.size() >= kHeldRecords) {
        released = true;
        for (auto& r : held) emit(std::move(r));
        held.clear();
      }
    };
    Result<void> parsed;
    auto db = open_artifact_database(ctx, file);
    if (!db) {
      parsed = std::move(db).error();
    } else {
      parsed = parse(*db, on_record);
      log_schema_notes(ctx, *db);
      // A query stopped by its budget is not salvaged: salvage would run the runaway query again.
      if (!parsed && !released &&
          (parsed.error().code == ErrorCode::kCorrupt || parsed.error().code == ErrorCode::kLimitExceeded) &&
          !sqlite::stopped_by_budget(parsed.error())) {
        if (auto salvaged = salvage_database(ctx, *db)) {
          held.clear();
          parsed = parse(*salvaged, on_record);
          log_schema_notes(ctx, *salvaged);
        }
      }
    }
    if (!parsed) {
      if (files->size() == 1) return std::move(parsed).error();
      skip_failed_file(ctx, file, std::move(parsed).error(), first_error);
      continue;
    }
    ++read;
    if (file_read) file_read(file);
    for (auto& record : held) emit(std::move(record));
  }
  if (read == 0 && first_error) return std::move(*first_error);
  return {};
}

template <class Record>
Result<std::vector<Record>> extract_each_plist(
    ModuleContext& ctx, const std::function<Result<std::vector<Record>>(const plist::Value&)>& parse) {
  return extract_each_artifact<Record>(ctx, [&](const sources::BackupFile& file) -> Result<std::vector<Record>> {
    auto value = ctx.source()->read_plist(file);
    Result<std::vector<Record>> parsed = value ? parse(*value) : Result<std::vector<Record>>(std::move(value).error());
    if (parsed) return parsed;
    Error error = std::move(parsed).error();
    error.path = file.provenance();
    return error;
  });
}

}  // namespace lumiere::modules::ios
