// What iOS backup modules share: finding a module's artifact through its descriptor locations, opening a
// SQLite artifact (salvaging a damaged one), probing schemas, and checking links against indicators.
#pragma once

#include <functional>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "framework/module.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

// The backup files of the module's artifact, over every location of its descriptor (an empty domain means
// any domain; a '*' in the path is a Manifest.db query), in descriptor order, each file once. Files listed in
// Manifest.db whose blob is absent are skipped with a warning. When Manifest.db is unusable (damaged, no
// Files table), exact locations are still found by file ID, with a note saying so.
// kNotFound when nothing is there; kEncrypted for an encrypted backup without its key.
Result<std::vector<sources::BackupFile>> find_artifacts(ModuleContext& ctx);

// Opens a SQLite artifact read-only. A database that SQLite reports as damaged is salvaged into memory
// (sqlite_recover.hpp) with a kCorrupt warning naming the file and what could be read.
Result<sqlite::Database> open_artifact_database(ModuleContext& ctx, const sources::BackupFile& file);

// Runs `parse` over the artifact database; when a query hits a damaged page half-way (kCorrupt), runs it
// again over the salvaged copy, with a warning.
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

// kUnsupported "unsupported schema: {what}" naming the database: no known schema variant fits.
Error unsupported_schema(const sqlite::Database& db, std::string_view what);

// MVT's check_url_batches for one record: the links in order, the first that matches a URL or domain
// indicator raises one alert at `level` (shortened links are expanded only with --resolve-short-urls).
// Returns true when an alert was raised.
bool check_links(ModuleContext& ctx, std::span<const std::string> links, AlertLevel level,
                 const std::string& event_time, const Json& event, const std::string& provenance);

// urls.json entries for the links of one record (`source` is "sms", "whatsapp", ...).
void record_links(ModuleContext& ctx, std::span<const std::string> links, const std::string& timestamp,
                  std::string_view source);

// Salvage helper used by parse_artifact_database.
Result<sqlite::Database> salvage_database(ModuleContext& ctx, const sqlite::Database& damaged);

template <class T>
Result<T> parse_artifact_database(ModuleContext& ctx, const sources::BackupFile& file,
                                  const std::function<Result<T>(const sqlite::Database&)>& parse) {
  auto db = open_artifact_database(ctx, file);
  if (!db) return std::move(db).error();
  auto parsed = parse(*db);
  if (parsed || parsed.error().code != ErrorCode::kCorrupt) return parsed;
  auto salvaged = salvage_database(ctx, *db);
  if (!salvaged) return std::move(parsed).error();
  return parse(*salvaged);
}

}  // namespace lumiere::modules::ios
