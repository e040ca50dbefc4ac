#include "modules/ios/common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <optional>

#include "core/sqlite_recover.hpp"
#include "core/time.hpp"
#include "sources/ios_paths.hpp"

namespace lumiere::modules::ios {

Result<std::vector<sources::BackupFile>> find_artifacts(ModuleContext& ctx) {
  const auto* source = ctx.source();
  const auto& descriptor = ctx.descriptor();
  if (source == nullptr) return unexpected(ErrorCode::kInternal, std::string(descriptor.slug) + " has no evidence");

  std::vector<sources::EvidenceFile> found;
  std::string wanted;
  std::vector<sources::SourceNote> notes;
  auto take = [&](std::vector<sources::EvidenceFile>& files) {
    for (const auto& note : notes) ctx.warn(note.kind, note.path, note.message);
    notes.clear();
    for (auto& file : files) {
      const bool seen = std::any_of(found.begin(), found.end(),
                                    [&](const sources::EvidenceFile& f) { return f.file_id == file.file_id; });
      if (!seen) found.push_back(std::move(file));
    }
  };
  auto want = [&wanted](std::string_view what) {
    if (!wanted.empty()) wanted += ", ";
    wanted += what;
  };
  if (source->kind() == sources::EvidenceKind::kIosBackup) {
    for (const auto& location : descriptor.locations) {
      if (location.relative_path.empty()) continue;
      want(location.domain.empty() ? std::string("*/") + std::string(location.relative_path)
                                   : std::string(location.domain) + "/" + std::string(location.relative_path));
      std::optional<std::string_view> domain;
      if (!location.domain.empty()) domain = location.domain;
      auto files = source->locate(domain, location.relative_path, notes);
      if (!files) return std::move(files).error();
      take(*files);
    }
  } else {
    std::vector<std::string> globs;
    if (auto listed = sources::ios_paths::module_globs(descriptor.slug)) {
      globs.assign(listed->begin(), listed->end());
    } else {
      for (const auto& location : descriptor.locations) {
        for (auto& glob : sources::ios_paths::location_globs(location.domain, location.relative_path, location.fs_glob))
          globs.push_back(std::move(glob));
      }
    }
    for (const auto& glob : globs) {
      want(glob);
      auto files = source->glob(glob, notes);
      if (!files) return std::move(files).error();
      take(*files);
    }
  }
  if (found.empty()) return unexpected(ErrorCode::kNotFound, source->not_found_reason(), wanted);
  return found;
}

Result<sqlite::Database> salvage_database(ModuleContext& ctx, const sqlite::Database& damaged) {
  auto recovered = sqlite::recover_readable(damaged);
  if (!recovered) return std::move(recovered).error();
  ctx.warn(
      WarningKind::kCorrupt, damaged.display_path(),
      "the database is damaged; what SQLite could read was analysed, the rest may be missing: " + recovered->summary());
  return std::move(recovered->database);
}

Result<sqlite::Database> open_artifact_database(ModuleContext& ctx, const sources::BackupFile& file) {
  const auto* source = ctx.source();
  if (source == nullptr) return unexpected(ErrorCode::kInternal, "no evidence");
  auto db = source->open_database(file);
  if (!db) return db;
  auto ok = db->probe();
  if (ok) return db;
  if (ok.error().code != ErrorCode::kCorrupt) return ok.error();
  auto salvaged = salvage_database(ctx, *db);
  if (!salvaged) return ok.error();
  return salvaged;
}

bool TableColumns::has(std::string_view column) const {
  return std::find(names.begin(), names.end(), column) != names.end();
}

bool TableColumns::has_all(std::initializer_list<std::string_view> columns) const {
  return std::all_of(columns.begin(), columns.end(), [&](std::string_view c) { return has(c); });
}

std::string select_all_columns(const TableColumns& columns, std::string_view table,
                               std::span<const std::string_view> optional, std::vector<std::string>& names) {
  names = columns.names;
  for (const auto column : optional) {
    if (!columns.has(column)) names.emplace_back(column);
  }
  std::string sql = "SELECT ";
  for (const auto& column : names) sql += std::string(table) + "." + sqlite::quote_identifier(column) + ", ";
  return sql;
}

Result<TableColumns> table_columns(const sqlite::Database& db, std::string_view table) {
  auto names = db.columns(table);
  if (!names) return std::move(names).error();
  return TableColumns{std::move(*names)};
}

bool check_links(ModuleContext& ctx, std::span<const std::string> links, AlertLevel level,
                 const std::string& event_time, const Json& event, const std::string& provenance) {
  const auto* iocs = ctx.indicators();
  if (iocs == nullptr) return false;
  for (const auto& link : links) {
    auto checked = iocs->match_url_expanded(link, ctx.options().short_url_resolver);
    if (checked.match) {
      ctx.alert(level, *checked.match, event_time, event, provenance);
      return true;
    }
  }
  return false;
}

void record_links(ModuleContext& ctx, std::span<const std::string> links, const std::string& timestamp,
                  std::string_view source) {
  for (const auto& link : links) ctx.url(UrlRecord{link, std::nullopt, timestamp, std::string(source)});
}

Json column_json(const sqlite::Statement& stmt, int column, bool base64) {
  return column_value(stmt, column, base64 ? Blob::kBase64 : Blob::kText);
}

void log_schema_notes(ModuleContext& ctx, const sqlite::Database& db) {
  for (const auto& note : db.take_notes()) ctx.log().debug(ctx.logger_name(), db.display_path() + ": " + note);
  for (auto& lost : db.take_warnings()) ctx.warn(WarningKind::kCorrupt, db.display_path(), std::move(lost));
}

Json column_json(const sqlite::Statement& stmt, std::string_view column) {
  return column_json(stmt, stmt.index(column), false);
}

std::string text_of(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string mac_time_iso(const Json& value) {
  if (value.is_number_integer()) return timeconv::mac_to_iso(value.get<std::int64_t>());
  if (value.is_number_float()) return timeconv::mac_to_iso(value.get<double>());
  return "";
}

Json mac_time_json(const sqlite::Statement& stmt, int column) {
  if (stmt.type(column) == SQLITE_INTEGER) return timeconv::mac_to_iso(stmt.integer(column));
  if (stmt.type(column) == SQLITE_FLOAT) return timeconv::mac_to_iso(stmt.real(column));
  return nullptr;
}

void skip_failed_file(ModuleContext& ctx, const sources::BackupFile& file, Error error,
                      std::optional<Error>& first_error) {
  ctx.warn(error.code == ErrorCode::kUnsupported ? WarningKind::kUnsupported : WarningKind::kCorrupt, file.provenance(),
           error.message);
  if (!first_error) first_error = std::move(error);
}

}  // namespace lumiere::modules::ios
