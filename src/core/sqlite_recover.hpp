// Salvage of a damaged SQLite database: what SQLite can still read is copied, table by table and row by row,
// into a new database in memory. Debian's SQLite 3.40 ships no recovery API in the library, so this is "a
// read of what is readable": each table's rows are copied until the first unreadable page.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::sqlite {

struct Recovered {
  Database database;                 // in memory, same display path as the source
  std::size_t tables = 0;            // tables re-created
  std::size_t rows = 0;              // rows copied
  std::vector<std::string> damaged;  // "table: reason" for tables whose rows stopped early or could not be copied

  // One line for a warning: "recovered 3 tables, 120 rows; damaged: message (database disk image is malformed)".
  [[nodiscard]] std::string summary() const;
};

// Fails with kCorrupt when not even the schema can be read.
Result<Recovered> recover_readable(const Database& source);

}  // namespace lumiere::sqlite
