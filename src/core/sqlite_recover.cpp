#include "core/sqlite_recover.hpp"

#include <fmt/core.h>

#include <utility>

namespace lumiere::sqlite {
namespace {

struct TableSchema {
  std::string name;
  std::string sql;
};

// Copies the rows of one table; returns the error that stopped the copy, if any.
std::optional<std::string> copy_rows(const Database& source, const Database& target, const std::string& table,
                                     std::size_t& rows) {
  auto columns = source.columns(table);
  if (!columns) return columns.error().message;
  if (columns->empty()) return std::string("no readable columns");
  std::string names;
  std::string params;
  for (std::size_t i = 0; i < columns->size(); ++i) {
    if (i != 0) {
      names += ", ";
      params += ", ";
    }
    names += quote_identifier((*columns)[i]);
    params += fmt::format("?{}", i + 1);
  }
  auto select = source.prepare(fmt::format("SELECT {} FROM {}", names, quote_identifier(table)));
  if (!select) return select.error().message;
  auto insert = target.prepare(fmt::format("INSERT INTO {} ({}) VALUES ({})", quote_identifier(table), names, params));
  if (!insert) return insert.error().message;
  auto copied = for_each_row(*select, [&](const Statement& row) -> Result<void> {
    for (int i = 0; i < row.column_count(); ++i) {
      switch (row.type(i)) {
        case SQLITE_INTEGER: insert->bind(i + 1, row.integer(i)); break;
        case SQLITE_FLOAT: insert->bind_real(i + 1, row.real(i)); break;
        case SQLITE_TEXT: insert->bind(i + 1, row.text(i)); break;
        case SQLITE_BLOB: insert->bind_blob(i + 1, row.blob(i)); break;
        default: insert->bind_null(i + 1); break;
      }
    }
    auto done = insert->step();
    if (!done) return std::move(done).error();
    if (auto reset = insert->reset(); !reset) return reset.error();
    ++rows;
    return {};
  });
  if (!copied) return copied.error().message;
  return std::nullopt;
}

}  // namespace

std::string Recovered::summary() const {
  std::string out = fmt::format("recovered {} table(s), {} row(s)", tables, rows);
  if (!damaged.empty()) {
    out += "; damaged: ";
    for (std::size_t i = 0; i < damaged.size(); ++i) {
      if (i != 0) out += "; ";
      out += damaged[i];
    }
  }
  return out;
}

Result<Recovered> recover_readable(const Database& source) {
  auto schema_stmt = source.prepare(
      "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'");
  if (!schema_stmt) {
    return unexpected(ErrorCode::kCorrupt, "damaged beyond recovery: " + schema_stmt.error().message,
                      source.display_path());
  }
  std::vector<TableSchema> tables;
  auto listed = for_each_row(*schema_stmt, [&](const Statement& row) { tables.push_back({row.text(0), row.text(1)}); });
  if (!listed) {
    return unexpected(ErrorCode::kCorrupt, "damaged beyond recovery: " + listed.error().message, source.display_path());
  }
  auto target = Database::create_memory(source.display_path());
  if (!target) return std::move(target).error();
  Recovered recovered{std::move(*target), 0, 0, {}};
  for (const auto& table : tables) {
    if (auto created = recovered.database.exec(table.sql); !created) {
      recovered.damaged.push_back(table.name + ": " + created.error().message);
      continue;
    }
    ++recovered.tables;
    if (auto stopped = copy_rows(source, recovered.database, table.name, recovered.rows)) {
      recovered.damaged.push_back(table.name + ": " + *stopped);
    }
  }
  return recovered;
}

}  // namespace lumiere::sqlite
