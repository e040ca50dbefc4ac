// Read-only SQLite access to evidence. A database is opened so that neither it nor its folder can change:
// `immutable=1` when there is no WAL sidecar; with a `-wal` sidecar the database and its WAL are copied
// into a private temporary folder, replayed there, loaded into memory, and the copy is deleted at once.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/result.hpp"

namespace lumiere::sqlite {

class Statement;

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
  void note(std::string text) const { notes_.push_back(std::move(text)); }
  [[nodiscard]] std::vector<std::string> take_notes() const { return std::exchange(notes_, {}); }

 private:
  Database(sqlite3* db, std::string display_path) : db_(db), display_path_(std::move(display_path)) {}
  static Result<Database> open_uri(const std::string& uri, int flags, std::string display_path);
  [[nodiscard]] Error error(std::string_view what) const;

  sqlite3* db_ = nullptr;
  std::string display_path_;
  mutable std::vector<std::string> notes_;
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
  Statement(sqlite3_stmt* stmt, std::string display_path);

  sqlite3_stmt* stmt_ = nullptr;
  std::string display_path_;
  std::vector<std::string> names_;
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
