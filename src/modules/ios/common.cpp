#include "modules/ios/common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/sqlite_recover.hpp"

namespace lumiere::modules::ios {

Result<std::vector<sources::BackupFile>> find_artifacts(ModuleContext& ctx) {
  const auto* backup = ctx.ios_backup();
  const auto& descriptor = ctx.descriptor();
  if (backup == nullptr) return unexpected(ErrorCode::kInternal, std::string(descriptor.slug) + " needs an iOS backup");
  auto manifest = backup->manifest();
  if (!manifest && manifest.error().code == ErrorCode::kEncrypted) return std::move(manifest).error();
  const bool by_file_id = !manifest;

  std::vector<sources::BackupFile> found;
  std::string wanted;
  for (const auto& location : descriptor.locations) {
    if (location.relative_path.empty()) continue;
    if (!wanted.empty()) wanted += ", ";
    wanted += location.domain.empty() ? std::string("*/") + std::string(location.relative_path)
                                      : std::string(location.domain) + "/" + std::string(location.relative_path);
    if (by_file_id && (location.domain.empty() || location.relative_path.find('*') != std::string_view::npos)) {
      continue;  // only Manifest.db can answer a query by path alone
    }
    std::optional<std::string_view> domain;
    if (!location.domain.empty()) domain = location.domain;
    auto files = backup->query(domain, location.relative_path);
    if (!files) return std::move(files).error();
    for (auto& file : *files) {
      const bool seen = std::any_of(found.begin(), found.end(),
                                    [&](const sources::BackupFile& f) { return f.file_id == file.file_id; });
      if (seen || file.flags == 2) continue;  // directories have no content
      std::error_code ec;
      if (!std::filesystem::is_regular_file(backup->blob_path(file.file_id), ec)) {
        if (std::filesystem::exists(backup->blob_path(file.file_id), ec)) {
          ctx.warn(WarningKind::kCorrupt, file.provenance(),
                   fmt::format("listed in Manifest.db (file ID {}) but what the backup holds under that ID is not a "
                               "regular file (a folder or a special file): not read",
                               file.file_id));
        } else {
          ctx.warn(
              WarningKind::kMissing, file.provenance(),
              fmt::format("listed in Manifest.db (file ID {}) but its file is missing from the backup", file.file_id));
        }
        continue;
      }
      if (by_file_id) {
        ctx.warn(WarningKind::kNote, file.provenance(),
                 fmt::format("Manifest.db is unusable ({}); this file was found by its file ID, SHA-1 of "
                             "\"domain-relativePath\", and files found only through Manifest.db were not analysed",
                             manifest.error().message));
      }
      found.push_back(std::move(file));
    }
  }
  if (found.empty()) {
    if (by_file_id) {
      return unexpected(ErrorCode::kNotFound,
                        fmt::format("not found by file ID, and Manifest.db is unusable ({})", manifest.error().message),
                        wanted);
    }
    return unexpected(ErrorCode::kNotFound, "not in the backup", wanted);
  }
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
  const auto* backup = ctx.ios_backup();
  if (backup == nullptr) return unexpected(ErrorCode::kInternal, "no iOS backup");
  auto db = backup->open_database(file);
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
}

Json column_json(const sqlite::Statement& stmt, std::string_view column) {
  return column_json(stmt, stmt.index(column), false);
}

}  // namespace lumiere::modules::ios
