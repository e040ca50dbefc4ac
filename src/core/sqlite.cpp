#include "core/sqlite.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <system_error>

#include "core/temp_dir.hpp"

namespace lumiere::sqlite {
namespace {

// SQLite URI filenames need %, ? and # escaped; everything else is taken literally.
std::string uri_escape(const std::string& path) {
  std::string out;
  out.reserve(path.size() + 8);
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      static constexpr const char* kHex = "0123456789ABCDEF";
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4U];
      out += kHex[byte & 0xFU];
    } else {
      out += c;
    }
  }
  return out;
}

ErrorCode classify(int code) {
  // A file that ends before its pages do was truncated: damaged, not an I/O failure.
  if (code == SQLITE_IOERR_SHORT_READ) return ErrorCode::kCorrupt;
  switch (code & 0xFF) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return ErrorCode::kCorrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR: return ErrorCode::kIo;
    case SQLITE_TOOBIG:
    case SQLITE_NOMEM:
    case SQLITE_INTERRUPT: return ErrorCode::kLimitExceeded;
    default: return ErrorCode::kParse;
  }
}

// The largest single value (text or blob) read from evidence. iOS keeps attachments and images in files; the
// largest values of the databases lumiere reads (attributedBody, favicons, session state) stay well under it.
constexpr int kMaxValueBytes = 16 * 1024 * 1024;
constexpr int kSqliteDefaultMaxColumns = 2000;
constexpr std::string_view kImageUri = "file:lumiere-image?mode=memory";

// In every message of a query stopped by its budget (stopped_by_budget).
constexpr std::string_view kStoppedMark = "its budget (LUMIERE_SQLITE_QUERY_";

// How often (in VM instructions) the progress handler looks at the query's budget.
constexpr int kProgressInstructions = 1000;

double env_number(const char* name, double fallback) {
  const char* text = std::getenv(name);
  if (text == nullptr || *text == '\0') return fallback;
  char* end = nullptr;
  const double value = std::strtod(text, &end);
  return end != text && *end == '\0' && value >= 0 ? value : fallback;
}

double seconds_now() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The budget of the query stepping on this thread (a step runs on the thread that calls it; a connection
// shared by threads steps one statement at a time).
struct RunningQuery {
  double deadline = 0;
  std::uint64_t kilo_steps_left = 0;  // 0: no step limit
  std::uint64_t ticks = 0;
  bool over_time = false;
  bool over_steps = false;
};
thread_local RunningQuery running_query;  // NOLINT(cppcoreguidelines-avoid-non-const-global-variables)

int on_progress(void* /*unused*/) {
  RunningQuery& q = running_query;
  ++q.ticks;
  if (q.kilo_steps_left != 0 && q.ticks >= q.kilo_steps_left) {
    q.over_steps = true;
    return 1;
  }
  if (q.deadline > 0 && seconds_now() > q.deadline) {
    q.over_time = true;
    return 1;
  }
  return 0;
}

// Only what a read needs: ATTACH (another file, or a temporary database on disk) and DETACH are denied.
int authorize(void* /*unused*/, int action, const char* /*a*/, const char* /*b*/, const char* /*c*/,
              const char* /*d*/) {
  return action == SQLITE_ATTACH || action == SQLITE_DETACH ? SQLITE_DENY : SQLITE_OK;
}

}  // namespace

bool stopped_by_budget(const Error& error) {
  return error.code == ErrorCode::kLimitExceeded && error.message.find(kStoppedMark) != std::string::npos;
}

namespace {

std::string interrupted_message(const RunningQuery& q) {
  const QueryBudget& budget = query_budget();
  if (q.over_steps) {
    return fmt::format(
        "query stopped after {} thousand VM steps, its budget (LUMIERE_SQLITE_QUERY_STEPS): a "
        "runaway query (an endless recursive view or trigger?)",
        budget.kilo_steps);
  }
  return fmt::format(
      "query stopped after {:g} s, over its budget (LUMIERE_SQLITE_QUERY_SECONDS): a runaway or "
      "very slow query (an endless recursive view?)",
      budget.seconds);
}

}  // namespace

const QueryBudget& query_budget() {
  static const QueryBudget kBudget = [] {
    QueryBudget budget;
    budget.seconds = env_number("LUMIERE_SQLITE_QUERY_SECONDS", budget.seconds);
    budget.kilo_steps = static_cast<std::uint64_t>(env_number("LUMIERE_SQLITE_QUERY_STEPS", 0));
    budget.heap_bytes = static_cast<std::int64_t>(env_number("LUMIERE_SQLITE_HEAP_MB", 2048) * 1024 * 1024);
    budget.row_bytes = static_cast<std::uint64_t>(env_number("LUMIERE_SQLITE_ROW_MB", 64) * 1024 * 1024);
    return budget;
  }();
  return kBudget;
}

Database::~Database() {
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      display_path_(std::move(other.display_path_)),
      shared_(std::move(other.shared_)) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_ != nullptr) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    display_path_ = std::move(other.display_path_);
    shared_ = std::move(other.shared_);
  }
  return *this;
}

Result<Database> Database::open_uri(const std::string& uri, int flags, std::string display_path) {
  static std::once_flag heap_cap;
  std::call_once(heap_cap, [] { sqlite3_hard_heap_limit64(query_budget().heap_bytes); });
  sqlite3* db = nullptr;
  // Serialized: a backup's Manifest.db connection is shared by the modules running in parallel (--jobs).
  const int rc = sqlite3_open_v2(uri.c_str(), &db, flags | SQLITE_OPEN_URI | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return unexpected(classify(rc), "cannot open database: " + message, std::move(display_path));
  }
  sqlite3_extended_result_codes(db, 1);
  // Evidence is hostile: bound what a crafted file can make SQLite allocate or recurse into.
  sqlite3_limit(db, SQLITE_LIMIT_LENGTH, kMaxValueBytes);
  sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, 200);
  sqlite3_limit(db, SQLITE_LIMIT_COLUMN, kMaxColumns);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  // sqlite3_deserialize attaches the image itself: open_image denies ATTACH once the image is in place.
  if (!uri.starts_with(kImageUri)) sqlite3_set_authorizer(db, authorize, nullptr);
  sqlite3_progress_handler(db, kProgressInstructions, on_progress, nullptr);
  Database opened(db, std::move(display_path));
  // Sorts, materialised views and statement journals in memory, never in a file of a temporary folder
  // (decrypted rows must not touch the disk); bounded by the heap cap.
  if (auto ok = opened.exec("PRAGMA temp_store=MEMORY"); !ok) return std::move(ok).error();
  return opened;
}

Result<Database> Database::open_evidence(const std::filesystem::path& file, std::string display_path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec)) {
    if (std::filesystem::exists(file, ec)) {
      return unexpected(ErrorCode::kCorrupt, "not a regular file", std::move(display_path));
    }
    return unexpected(ErrorCode::kNotFound, "file not found", std::move(display_path));
  }
  auto wal = file;
  wal += "-wal";
  const auto wal_status = std::filesystem::symlink_status(wal, ec);
  if (std::filesystem::exists(wal_status) && !std::filesystem::is_regular_file(wal_status)) {
    return unexpected(ErrorCode::kCorrupt,
                      "its -wal sidecar is a link or a special file: never followed, the database is not read",
                      std::move(display_path));
  }
  if (!std::filesystem::exists(wal_status)) {
    // No WAL: immutable=1 tells SQLite the file cannot change, so it takes no locks and writes nothing.
    return open_uri("file:" + uri_escape(std::filesystem::absolute(file).string()) + "?mode=ro&immutable=1",
                    SQLITE_OPEN_READONLY, std::move(display_path));
  }
  // With a WAL the committed-but-not-checkpointed rows live in the sidecar. Replaying it needs a writable
  // copy: make one in a private folder, replay, pull the result into memory, and delete the copy.
  auto temp = PrivateTempDir::create("lumiere-wal");
  if (!temp) return unexpected(temp.error().code, temp.error().message, std::move(display_path));
  const auto copy = temp->path() / "db.sqlite";
  auto copy_wal = copy;
  copy_wal += "-wal";
  std::filesystem::copy_file(file, copy, ec);
  if (!ec) std::filesystem::copy_file(wal, copy_wal, ec);
  if (ec) return unexpected(ErrorCode::kIo, "cannot copy for WAL replay: " + ec.message(), std::move(display_path));
  auto replay = open_uri("file:" + uri_escape(copy.string()), SQLITE_OPEN_READWRITE, display_path);
  if (!replay) return std::move(replay).error();
  if (auto ok = replay->probe(); !ok) return ok.error();
  // Checkpoint the WAL into the copy and leave WAL mode: an in-memory image cannot be in WAL mode.
  if (auto ok = replay->exec("PRAGMA journal_mode=DELETE"); !ok) return ok.error();
  auto image = replay->serialize();
  if (!image) return std::move(image).error();
  return open_image(std::move(*image), std::move(display_path));
}

Result<Database> Database::open_image(std::vector<std::uint8_t> image, std::string display_path) {
  auto db = open_uri(std::string(kImageUri), SQLITE_OPEN_READWRITE, display_path);
  if (!db) return db;
  // Header bytes 18/19 (file format write/read version) are 2 for a WAL-mode database; an image in memory has
  // no WAL, and SQLite cannot read one that still says WAL: mark it as a rollback-journal database.
  constexpr std::size_t kWriteVersion = 18;
  constexpr std::size_t kReadVersion = 19;
  constexpr unsigned char kWalMode = 2;
  if (image.size() > kReadVersion && image[kWriteVersion] == kWalMode && image[kReadVersion] == kWalMode) {
    image[kWriteVersion] = 1;
    image[kReadVersion] = 1;
  }
  if (image.empty()) image.push_back(0);  // SQLite wants a buffer; a 1-byte file is "not a database" as 0 is
  const auto size = static_cast<sqlite3_int64>(image.size());
  // Read in place, read-only, outside SQLite's heap (its cap bounds what queries allocate, not the evidence).
  db->shared_->image = std::move(image);
  const int rc =
      sqlite3_deserialize(db->get(), "main", db->shared_->image.data(), size, size, SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) {
    return unexpected(classify(rc), std::string("cannot load database image: ") + sqlite3_errstr(rc),
                      std::move(display_path));
  }
  sqlite3_set_authorizer(db->get(), authorize, nullptr);
  return db;
}

Result<Database> Database::create(const std::filesystem::path& file) {
  // A database lumiere writes itself (fixtures, decrypted copies) is not evidence: SQLite's own value limit.
  constexpr int kSqliteDefaultMaxLength = 1000000000;
  auto db = open_uri("file:" + uri_escape(file.string()), SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, file.string());
  if (db) sqlite3_limit(db->db_, SQLITE_LIMIT_LENGTH, kSqliteDefaultMaxLength);
  if (db) sqlite3_limit(db->db_, SQLITE_LIMIT_COLUMN, kSqliteDefaultMaxColumns);
  return db;
}

Result<Database> Database::create_memory(std::string display_path) {
  auto db =
      open_uri("file:lumiere-memory?mode=memory", SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, std::move(display_path));
  // Fixtures may build what evidence may not hold (the column limit is for reading evidence).
  if (db) sqlite3_limit(db->db_, SQLITE_LIMIT_COLUMN, kSqliteDefaultMaxColumns);
  return db;
}

Error Database::error(std::string_view what) const {
  const int code = sqlite3_extended_errcode(db_);
  return Error{classify(code), std::string(what) + ": " + sqlite3_errmsg(db_), display_path_};
}

Result<Statement> Database::prepare(std::string_view sql) const {
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return unexpected(error("cannot prepare query"));
  }
  return Statement(stmt, display_path_, shared_);
}

Result<void> Database::exec(std::string_view sql) const {
  char* message = nullptr;
  const std::string owned(sql);
  const QueryBudget& budget = query_budget();
  const RunningQuery outer = running_query;
  running_query =
      RunningQuery{budget.seconds > 0 ? seconds_now() + budget.seconds : 0, budget.kilo_steps, 0, false, false};
  const int rc = sqlite3_exec(db_, owned.c_str(), nullptr, nullptr, &message);
  const RunningQuery ran = running_query;
  running_query = outer;
  if (rc != SQLITE_OK) {
    std::string text = message != nullptr ? message : "unknown error";
    sqlite3_free(message);
    if ((rc & 0xFF) == SQLITE_INTERRUPT && (ran.over_time || ran.over_steps)) text = interrupted_message(ran);
    return unexpected(classify(sqlite3_extended_errcode(db_)), "query failed: " + text, display_path_);
  }
  return {};
}

Result<void> Database::probe() const {
  auto stmt = prepare("SELECT count(*) FROM sqlite_master");
  if (!stmt) return unexpected(ErrorCode::kCorrupt, stmt.error().message, display_path_);
  auto row = stmt->step();
  if (!row) return unexpected(ErrorCode::kCorrupt, row.error().message, display_path_);
  return {};
}

Result<bool> Database::has_table(std::string_view table) const {
  auto stmt = prepare("SELECT 1 FROM sqlite_master WHERE type IN ('table','view') AND name = ?1");
  if (!stmt) return std::move(stmt).error();
  stmt->bind(1, table);
  auto row = stmt->step();
  if (!row) return std::move(row).error();
  return *row;
}

Result<std::vector<std::string>> Database::columns(std::string_view table) const {
  auto stmt = prepare("SELECT name FROM pragma_table_info(?1)");
  if (!stmt) return std::move(stmt).error();
  stmt->bind(1, table);
  std::vector<std::string> names;
  auto ok = for_each_row(*stmt, [&](const Statement& row) { names.push_back(row.text(0)); });
  if (!ok) return std::move(ok).error();
  return names;
}

Result<std::vector<std::uint8_t>> Database::serialize() const {
  sqlite3_int64 size = 0;
  unsigned char* data = sqlite3_serialize(db_, "main", &size, 0);
  if (data == nullptr) return unexpected(error("cannot serialize database"));
  std::vector<std::uint8_t> image(data, data + size);
  sqlite3_free(data);
  return image;
}

Statement::Statement(sqlite3_stmt* stmt, std::string display_path, std::shared_ptr<Database::Shared> shared)
    : shared_(std::move(shared)), stmt_(stmt), display_path_(std::move(display_path)) {
  const int count = sqlite3_column_count(stmt_);
  names_.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const char* name = sqlite3_column_name(stmt_, i);
    names_.emplace_back(name != nullptr ? name : "");
  }
}

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : shared_(std::move(other.shared_)),
      stmt_(std::exchange(other.stmt_, nullptr)),
      display_path_(std::move(other.display_path_)),
      names_(std::move(other.names_)),
      started_(other.started_),
      deadline_(other.deadline_),
      kilo_steps_left_(other.kilo_steps_left_),
      rows_skipped_(std::exchange(other.rows_skipped_, 0)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = std::exchange(other.stmt_, nullptr);
    shared_ = std::move(other.shared_);
    display_path_ = std::move(other.display_path_);
    names_ = std::move(other.names_);
    started_ = other.started_;
    deadline_ = other.deadline_;
    kilo_steps_left_ = other.kilo_steps_left_;
    rows_skipped_ = std::exchange(other.rows_skipped_, 0);
  }
  return *this;
}

bool Statement::row_too_large() const {
  const std::uint64_t limit = query_budget().row_bytes;
  std::uint64_t bytes = 0;
  const int count = sqlite3_column_count(stmt_);
  for (int i = 0; i < count; ++i) {
    const int type = sqlite3_column_type(stmt_, i);
    if (type == SQLITE_TEXT || type == SQLITE_BLOB) bytes += static_cast<std::uint64_t>(sqlite3_column_bytes(stmt_, i));
  }
  return bytes > limit;
}

void Statement::report_skipped() {
  if (rows_skipped_ == 0 || !shared_) return;
  shared_->warnings.push_back(fmt::format(
      "{} row(s) of over {} MiB of text and data each were skipped (the per-record limit, LUMIERE_SQLITE_ROW_MB)",
      std::exchange(rows_skipped_, 0), query_budget().row_bytes >> 20U));
}

Result<bool> Statement::step() {
  if (!started_) {
    const QueryBudget& budget = query_budget();
    started_ = true;
    deadline_ = budget.seconds > 0 ? seconds_now() + budget.seconds : 0;
    kilo_steps_left_ = budget.kilo_steps;
  }
  while (true) {
    const RunningQuery outer = running_query;
    running_query = RunningQuery{deadline_, kilo_steps_left_, 0, false, false};
    const int rc = sqlite3_step(stmt_);
    const RunningQuery ran = running_query;
    running_query = outer;
    if (kilo_steps_left_ != 0) kilo_steps_left_ = ran.ticks < kilo_steps_left_ ? kilo_steps_left_ - ran.ticks : 1;
    if (rc == SQLITE_ROW) {
      if (row_too_large()) {
        ++rows_skipped_;
        continue;
      }
      return true;
    }
    if (rc == SQLITE_DONE) {
      report_skipped();
      return false;
    }
    report_skipped();
    if ((rc & 0xFF) == SQLITE_INTERRUPT && (ran.over_time || ran.over_steps)) {
      return unexpected(ErrorCode::kLimitExceeded, interrupted_message(ran), display_path_);
    }
    sqlite3* db = sqlite3_db_handle(stmt_);
    return unexpected(classify(rc), std::string("cannot read rows: ") + sqlite3_errmsg(db), display_path_);
  }
}

Result<void> Statement::reset() {
  started_ = false;
  if (sqlite3_reset(stmt_) != SQLITE_OK) {
    return unexpected(ErrorCode::kParse, "cannot reset statement", display_path_);
  }
  return {};
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_blob(int index, const std::vector<std::uint8_t>& blob) {
  sqlite3_bind_blob64(stmt_, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_real(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

int Statement::column_count() const {
  return static_cast<int>(names_.size());
}

int Statement::index(std::string_view name) const {
  // SQLite names a plain column result as the table declares it ("SELECT flags" on a `flaGs` column yields
  // "flaGs"), and identifiers are case-insensitive: compare as SQLite does (ASCII case folding).
  const auto same = [name](const std::string& candidate) {
    return std::equal(candidate.begin(), candidate.end(), name.begin(), name.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  };
  for (std::size_t i = 0; i < names_.size(); ++i) {
    if (same(names_[i])) return static_cast<int>(i);
  }
  throw std::out_of_range("query did not select column " + std::string(name));
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}
int Statement::type(int column) const {
  return sqlite3_column_type(stmt_, column);
}
std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_, column);
}
double Statement::real(int column) const {
  return sqlite3_column_double(stmt_, column);
}

std::optional<std::int64_t> Statement::optional_integer(std::string_view name) const {
  const int column = index(name);
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_blob(stmt_, column);
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {static_cast<const char*>(data), static_cast<std::size_t>(size)};
}

std::optional<std::string> Statement::optional_text(std::string_view name) const {
  const int column = index(name);
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
  const int size = sqlite3_column_bytes(stmt_, column);
  if (data == nullptr || size <= 0) return {};
  return {data, data + size};
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace lumiere::sqlite
