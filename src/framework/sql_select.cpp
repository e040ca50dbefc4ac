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
  std::string sql = "SELECT ";
  for (std::size_t i = 0; i < select.columns.size(); ++i) {
    const SqlColumn& c = *(select.columns.begin() + i);
    auto names = columns_of(c.table);
    if (!names) return std::move(names).error();
    const bool present = std::find((*names)->begin(), (*names)->end(), c.column) != (*names)->end();
    const std::string_view as = c.as.empty() ? c.column : c.as;
    if (i != 0) sql += ", ";
    if (present) {
      sql += c.expression.empty() ? sqlite::quote_identifier(c.table) + "." + sqlite::quote_identifier(c.column)
                                  : std::string(c.expression);
    } else if (c.need == Need::kRequired) {
      return unsupported_schema(db, fmt::format("table {} has no column {}", c.table, c.column));
    } else {
      db.note(fmt::format("table {} has no column {} (an older or newer schema): read as null", c.table, c.column));
      sql += "NULL";
    }
    sql += " AS " + sqlite::quote_identifier(as);
  }
  sql += " ";
  sql += select.rest;
  return db.prepare(sql);
}

}  // namespace lumiere
