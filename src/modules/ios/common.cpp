#include "modules/ios/common.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>
#include <optional>

#include "core/base64.hpp"
#include "core/sqlite_recover.hpp"
#include "core/time.hpp"

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

Error unsupported_schema(const sqlite::Database& db, std::string_view what) {
  return Error{ErrorCode::kUnsupported, fmt::format("unsupported schema: {}", what), db.display_path()};
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

std::string sql_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

Json column_json(const sqlite::Statement& stmt, int column, bool base64) {
  switch (stmt.type(column)) {
    case SQLITE_INTEGER: return stmt.integer(column);
    case SQLITE_FLOAT: return stmt.real(column);
    case SQLITE_TEXT: return json_text(stmt.text(column));
    case SQLITE_BLOB: {
      const auto blob = stmt.blob(column);
      if (base64) return base64_encode(std::span<const std::uint8_t>(blob));
      return utf8_backslashreplace(std::span<const std::uint8_t>(blob));
    }
    default: return nullptr;
  }
}

Json column_json(const sqlite::Statement& stmt, std::string_view column) {
  return column_json(stmt, stmt.index(column), false);
}

std::string python_str(const Json& value) {
  if (value.is_null()) return "None";
  if (value.is_boolean()) return value.get<bool>() ? "True" : "False";
  if (value.is_string()) return value.get<std::string>();
  return value.dump();
}

std::string py_str(const Json& value) {
  return value.is_string() ? value.get<std::string>() : python_repr(value);
}

std::string text_of(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::optional<std::int64_t> optional_field(const Json& stored, const char* key) {
  const auto it = stored.find(key);
  if (it == stored.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
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

}  // namespace lumiere::modules::ios
