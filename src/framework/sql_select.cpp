#include "framework/sql_select.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>

#include "core/base64.hpp"

namespace lumiere {

Json column_value(const sqlite::Statement& stmt, int column, Blob blob) {
  switch (stmt.type(column)) {
    case SQLITE_INTEGER: return stmt.integer(column);
    case SQLITE_FLOAT: return stmt.real(column);
    case SQLITE_TEXT: return json_text(stmt.text(column));
    case SQLITE_BLOB: {
      const auto bytes = stmt.blob(column);
      if (blob == Blob::kBase64) return base64_encode(std::span<const std::uint8_t>(bytes));
      return utf8_backslashreplace(std::span<const std::uint8_t>(bytes));
    }
    default: return nullptr;
  }
}

namespace {

bool same_identifier(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// "WITH T AS (SELECT rowid AS rowid, *, NULL AS c FROM main.T), ... " for the tables with absent columns.
std::string shadow_prefix(const std::map<std::string_view, std::vector<std::string_view>>& absent,
                          const std::map<std::string_view, std::vector<std::string>>& schema) {
  std::string sql;
  for (const auto& [table, missing] : absent) {
    sql += sql.empty() ? "WITH " : ", ";
    const std::string name = sqlite::quote_identifier(table);
    sql += name + " AS (SELECT ";
    // The table's rowid stays reachable (T.ROWID in a join) unless the table names a column so itself.
    const auto it = schema.find(table);
    const bool own_rowid =
        it != schema.end() && std::any_of(it->second.begin(), it->second.end(), [](const auto& n) {
          return same_identifier(n, "rowid") || same_identifier(n, "oid") || same_identifier(n, "_rowid_");
        });
    if (!own_rowid) sql += "rowid AS rowid, ";
    sql += "*";
    for (const auto column : missing) sql += ", NULL AS " + sqlite::quote_identifier(column);
    sql += " FROM main." + name + ")";
  }
  if (!sql.empty()) sql += " ";
  return sql;
}

}  // namespace

Error unsupported_schema(const sqlite::Database& db, std::string_view what) {
  return Error{ErrorCode::kUnsupported, fmt::format("unsupported schema: {}", what), db.display_path()};
}

Result<sqlite::Statement> prepare_select(const sqlite::Database& db, const SqlSelect& select) {
  std::map<std::string_view, std::vector<std::string>> schema;
  auto columns_of = [&](std::string_view table) -> Result<const std::vector<std::string>*> {
    auto it = schema.find(table);
    if (it == schema.end()) {
      auto names = db.columns(table);
      if (!names) return std::move(names).error();
      it = schema.emplace(table, std::move(*names)).first;
    }
    return &it->second;
  };
  for (const auto table : select.tables) {
    auto names = columns_of(table);
    if (!names) return std::move(names).error();
    if ((*names)->empty()) return unsupported_schema(db, fmt::format("no table {}", table));
  }
  // Optional columns that this database lacks, by table: the table is shadowed by a CTE of the same name that
  // adds them as NULL, so that `rest` (joins, WHERE, ORDER BY) reads the same on an older or newer schema.
  std::map<std::string_view, std::vector<std::string_view>> absent;
  std::string list;
  for (std::size_t i = 0; i < select.columns.size(); ++i) {
    const SqlColumn& c = *(select.columns.begin() + i);
    auto names = columns_of(c.table);
    if (!names) return std::move(names).error();
    const bool present = std::any_of((*names)->begin(), (*names)->end(),
                                     [&](const std::string& name) { return same_identifier(name, c.column); });
    const std::string_view as = c.as.empty() ? c.column : c.as;
    if (i != 0) list += ", ";
    if (present) {
      list += c.expression.empty() ? sqlite::quote_identifier(c.table) + "." + sqlite::quote_identifier(c.column)
                                   : std::string(c.expression);
    } else if (c.need == Need::kRequired) {
      return unsupported_schema(db, fmt::format("table {} has no column {}", c.table, c.column));
    } else {
      db.note(fmt::format("table {} has no column {} (an older or newer schema): read as null", c.table, c.column));
      absent[c.table].push_back(c.column);
      list += "NULL";
    }
    list += " AS " + sqlite::quote_identifier(as);
  }
  return db.prepare(shadow_prefix(absent, schema) + "SELECT " + list + " " + std::string(select.rest));
}

Result<std::string> null_missing_columns(const sqlite::Database& db, std::initializer_list<OptionalColumns> wanted) {
  std::map<std::string_view, std::vector<std::string>> schema;
  std::map<std::string_view, std::vector<std::string_view>> absent;
  for (const auto& table : wanted) {
    auto names = db.columns(table.table);
    if (!names) return std::move(names).error();
    if (names->empty()) continue;  // no such table: the caller's own check says so
    for (const auto column : table.columns) {
      const bool present = std::any_of(names->begin(), names->end(),
                                       [&](const std::string& name) { return same_identifier(name, column); });
      if (present) continue;
      db.note(fmt::format("table {} has no column {} (an older or newer schema): read as null", table.table, column));
      absent[table.table].push_back(column);
    }
    schema.emplace(table.table, std::move(*names));
  }
  return shadow_prefix(absent, schema);
}

}  // namespace lumiere
