// Read-only SQLite access to evidence. A database is opened so that neither it nor its folder can change:
// `immutable=1` when there is no WAL sidecar; with a `-wal` sidecar the database and its WAL are copied
// into a private temporary folder, replayed there, loaded into memory, and the copy is deleted at once.
// Evidence is hostile, so every connection is bounded (see QueryBudget): each query has a time (and
// optionally a VM-step) budget enforced by a progress handler, SQLite's temporary data stays in memory
// (temp_store=MEMORY: no sort or materialised view ever spills plaintext into a temporary folder) under a
// process-wide heap cap, tables are limited in columns, a row in bytes, and ATTACH and extensions are off.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace lumiere::sqlite {

class Statement;

// The limits of every connection, read once from the environment (generous defaults, meant to stop only a
// runaway query on hostile evidence): LUMIERE_SQLITE_QUERY_SECONDS (60), LUMIERE_SQLITE_QUERY_STEPS (VM steps
// per query in thousands, 0: no limit), LUMIERE_SQLITE_HEAP_MB (2048: SQLite's own memory, database images
// excepted), LUMIERE_SQLITE_ROW_MB (64: one row's text and blob bytes; a larger row is skipped and counted).
struct QueryBudget {
  double seconds = 60;
  std::uint64_t kilo_steps = 0;
  std::int64_t heap_bytes = std::int64_t{2048} << 20U;
  std::uint64_t row_bytes = std::uint64_t{64} << 20U;
};
[[nodiscard]] const QueryBudget& query_budget();
// A query that its budget stopped (not a damaged file: salvaging it would run the same query again).
[[nodiscard]] bool stopped_by_budget(const Error& error);
// Columns a table of evidence may have (SQLite's own limit is 2000): a table with more is refused.
inline constexpr int kMaxColumns = 500;

class Database {
 public:
  Database() = default;
  ~Database();
  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Evidence on disk. `display_path` names the file in errors (relative to the evidence).
  static Result<Database> open_evidence(const std::filesystem::path& file, std::string display_path);
  // A database image held in memory (decrypted evidence, replayed WAL). Opened read-only. A header that says
  // WAL mode is marked rollback-journal first: an image in memory has no sidecar and SQLite cannot read it so.
  static Result<Database> open_image(std::vector<std::uint8_t> image, std::string display_path);
  // A new writable database file: fixture builders only, never evidence.
  static Result<Database> create(const std::filesystem::path& file);
  // An empty writable database in memory (recovered copies, fixtures).
  static Result<Database> create_memory(std::string display_path);

  [[nodiscard]] sqlite3* get() const { return db_; }
  [[nodiscard]] const std::string& display_path() const { return display_path_; }

  [[nodiscard]] Result<Statement> prepare(std::string_view sql) const;
  [[nodiscard]] Result<void> exec(std::string_view sql) const;
  // Reads the schema: fails with kCorrupt ("file is not a database", "malformed") on a damaged file.
  [[nodiscard]] Result<void> probe() const;
  [[nodiscard]] Result<bool> has_table(std::string_view table) const;
  // Column names of a table (PRAGMA table_info); empty when the table does not exist.
  [[nodiscard]] Result<std::vector<std::string>> columns(std::string_view table) const;
  // The whole database as one image (sqlite3_serialize), e.g. to hand to open_image.
  [[nodiscard]] Result<std::vector<std::uint8_t>> serialize() const;

  // Schema notes left by a parse (an optional column that this database lacks was read as null). A parse
  // function is pure (database in, records out); the module that ran it moves the notes to its log.
  void note(std::string text) const { shared_->notes.push_back(std::move(text)); }
  [[nodiscard]] std::vector<std::string> take_notes() const { return std::exchange(shared_->notes, {}); }
  // What a parse lost to a limit (rows over the per-record size): for the module's warnings.
  [[nodiscard]] std::vector<std::string> take_warnings() const { return std::exchange(shared_->warnings, {}); }

  // What the connection's statements share with it: notes, and the image SQLite reads in place (open_image
  // deserializes without a copy), kept alive as long as a statement may read it.
  struct Shared {
    std::vector<std::string> notes;
    std::vector<std::string> warnings;  // rows skipped over the per-record limit
    std::vector<std::uint8_t> image;
  };

 private:
  Database(sqlite3* db, std::string display_path)
      : db_(db), display_path_(std::move(display_path)), shared_(std::make_shared<Shared>()) {}
  static Result<Database> open_uri(const std::string& uri, int flags, std::string display_path);
  [[nodiscard]] Error error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string display_path_;
  std::shared_ptr<Shared> shared_;
};

class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // true: a row is ready; false: done.
  [[nodiscard]] Result<bool> step();
  [[nodiscard]] Result<void> reset();
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_blob(int index, const std::vector<std::uint8_t>& blob);
  Statement& bind_real(int index, double value);
  Statement& bind_null(int index);

  [[nodiscard]] int column_count() const;
  // Index of a selected column by its name (as the SQL names it); throws std::out_of_range if the SQL
  // did not select it: that is a bug in the module, caught by the module runner.
  [[nodiscard]] int index(std::string_view name) const;
  [[nodiscard]] bool is_null(std::string_view name) const { return is_null(index(name)); }
  [[nodiscard]] bool is_null(int column) const;
  [[nodiscard]] int type(int column) const;
  [[nodiscard]] std::int64_t integer(std::string_view name) const { return integer(index(name)); }
  [[nodiscard]] std::int64_t integer(int column) const;
  [[nodiscard]] std::optional<std::int64_t> optional_integer(std::string_view name) const;
  [[nodiscard]] double real(std::string_view name) const { return real(index(name)); }
  [[nodiscard]] double real(int column) const;
  // Raw bytes of a TEXT or BLOB value ("" for NULL). Not necessarily valid UTF-8.
  [[nodiscard]] std::string text(std::string_view name) const { return text(index(name)); }
  [[nodiscard]] std::string text(int column) const;
  [[nodiscard]] std::optional<std::string> optional_text(std::string_view name) const;
  [[nodiscard]] std::vector<std::uint8_t> blob(std::string_view name) const { return blob(index(name)); }
  [[nodiscard]] std::vector<std::uint8_t> blob(int column) const;

 private:
  friend class Database;
  [[nodiscard]] bool row_too_large() const;
  void report_skipped();
  Statement(sqlite3_stmt* stmt, std::string display_path, std::shared_ptr<Database::Shared> shared);

  // The shared state outlives the statement (destroyed after it: declared first).
  std::shared_ptr<Database::Shared> shared_;
  sqlite3_stmt* stmt_ = nullptr;
  std::string display_path_;
  std::vector<std::string> names_;
  // This query's budget (query_budget()), counted from its first step.
  bool started_ = false;
  double deadline_ = 0;
  std::uint64_t kilo_steps_left_ = 0;
  std::uint64_t rows_skipped_ = 0;
};

// `"name"` quoted as an SQL identifier (embedded quotes doubled).
std::string quote_identifier(std::string_view name);

// The one step loop: calls `row(stmt)` for every row. `row` returns void, or a Result<void> whose error stops
// the loop and is returned. A step error (damaged page, interrupted query) is returned as it is.
template <class Row>
Result<void> for_each_row(Statement& stmt, Row&& row) {
  while (true) {
    auto stepped = stmt.step();
    if (!stepped) return std::move(stepped).error();
    if (!*stepped) return {};
    if constexpr (std::is_void_v<std::invoke_result_t<Row&, const Statement&>>) {
      row(std::as_const(stmt));
    } else {
      auto ok = row(std::as_const(stmt));
      if (!ok) return std::move(ok).error();
    }
  }
}

}  // namespace lumiere::sqlite
