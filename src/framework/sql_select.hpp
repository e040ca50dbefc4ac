// A module's query declared as data, as plaso's REQUIRED_STRUCTURE and osquery's table specs: the tables it
// needs, the columns it selects (required or optional) and the rest of the statement. One helper probes the
// schema, builds the statement (a missing optional column is selected as NULL, with a note on the database),
// and runs the one step loop; a missing table or required column is kUnsupported naming them.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "framework/fields.hpp"

namespace lumiere {

enum class Need { kRequired, kOptional };

struct SqlColumn {
  std::string_view table;
  std::string_view column;
  std::string_view as;  // the name the row is read by; the column's own name when empty
  Need need = Need::kRequired;
  std::string_view expression = {};  // selected instead of table.column when set (the column is still probed)
};

struct SqlSelect {
  // initializer_lists, so that a module's `const SqlSelect kSelect{...}` allocates nothing (no static
  // initializer that could throw); their arrays live as long as the object they initialise.
  std::initializer_list<std::string_view> tables;  // needed, in order: "no table X" for the first one absent
  std::initializer_list<SqlColumn> columns;        // the SELECT list, in order
  std::string_view rest;                           // "FROM ... [JOIN ...] [WHERE ...] [ORDER BY ...]"
};

// kUnsupported "unsupported schema: {what}" naming the database.
Error unsupported_schema(const sqlite::Database& db, std::string_view what);

// Columns a hand-written query reads when they exist.
struct OptionalColumns {
  std::string_view table;
  std::span<const std::string_view> columns;  // e.g. a module's constexpr std::array
};

// A "WITH T AS (SELECT rowid AS rowid, *, NULL AS c FROM main.T) " prefix for the tables that lack some of
// their optional columns (each noted on `db`), so that a query written for the full schema reads an older or
// newer one unchanged: the CTE shadows the table, the absent columns read as NULL. "" when none is absent.
// prepare_select does the same for a declared query.
Result<std::string> null_missing_columns(const sqlite::Database& db, std::initializer_list<OptionalColumns> wanted);

// The statement of `select` over this database's schema, or kUnsupported "unsupported schema: no table T" /
// "table T has no column C".
Result<sqlite::Statement> prepare_select(const sqlite::Database& db, const SqlSelect& select);

// prepare_select, then `row(stmt)` for every row (sqlite::for_each_row).
template <class Row>
Result<void> select_rows(const sqlite::Database& db, const SqlSelect& select, Row&& row) {
  auto stmt = prepare_select(db, select);
  if (!stmt) return std::move(stmt).error();
  return sqlite::for_each_row(*stmt, std::forward<Row>(row));
}

// The declarative read: one record per row, its fields filled from the field table, then `finish(record, row)`
// for what the module derives (dates, decoded blobs).
template <class Record, class Finish>
Result<std::vector<Record>> select_records(const sqlite::Database& db, const SqlSelect& select,
                                           std::span<const Field<Record>> fields, Finish&& finish) {
  std::vector<Record> records;
  auto ok = select_rows(db, select, [&](const sqlite::Statement& row) {
    Record record{};
    fields_from_row(fields, record, row);
    finish(record, row);
    records.push_back(std::move(record));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

template <class Record>
Result<std::vector<Record>> select_records(const sqlite::Database& db, const SqlSelect& select,
                                           std::span<const Field<Record>> fields) {
  return select_records(db, select, fields, [](Record&, const sqlite::Statement&) {});
}

}  // namespace lumiere
