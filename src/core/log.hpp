// The run log: console (quiet by default, -v for everything) and `command.log` in the output folder,
// in MVT's line format "%(asctime)s - %(name)s - %(levelname)s - %(message)s".
#pragma once

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere {

enum class LogLevel {
  kDebug,
  kInfo,
  kAlertInfo,
  kWarning,
  kAlertLow,
  kError,
  kAlertMedium,
  kAlertHigh,
  kCritical,
  kAlertCritical
};

// MVT's level names in command.log: DEBUG, INFO, WARNING, LOW, ERROR, MEDIUM, HIGH, CRITICAL.
const char* log_level_name(LogLevel level) noexcept;

// A value quoted in a message (an indicator, a name from the evidence) is cut to this many bytes; a whole log
// message to kMaxLogMessageBytes. Hostile input must not flood the console or command.log.
inline constexpr std::size_t kMaxQuotedBytes = 200;
inline constexpr std::size_t kMaxLogMessageBytes = 2000;
// `text` itself when it fits in `max` bytes; else its first `max` bytes (never half a UTF-8 character) and
// "... (N bytes in all)".
std::string cut_for_log(std::string_view text, std::size_t max = kMaxQuotedBytes);

class Logger {
 public:
  // kBuffered keeps every line in memory, with the time it was logged, until flush_to(): modules running in
  // parallel each log into one, and the runner flushes them in plan order so command.log and the console
  // read the same whatever the number of jobs.
  enum class Mode { kDirect, kBuffered };

  Logger();
  explicit Logger(Mode mode);
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;
  Logger(Logger&&) = delete;
  Logger& operator=(Logger&&) = delete;

  // Console threshold: kWarning by default, kDebug with -v; messages go to stderr.
  void set_console_level(LogLevel level);
  // Appends to `file` (MVT opens command.log in append mode), at DEBUG level.
  [[nodiscard]] Result<void> open_file(const std::filesystem::path& file);

  void log(LogLevel level, std::string_view name, std::string_view message);
  void debug(std::string_view name, std::string_view message) { log(LogLevel::kDebug, name, message); }
  void info(std::string_view name, std::string_view message) { log(LogLevel::kInfo, name, message); }
  void warning(std::string_view name, std::string_view message) { log(LogLevel::kWarning, name, message); }
  void error(std::string_view name, std::string_view message) { log(LogLevel::kError, name, message); }

  // Buffered mode: writes the kept lines through `target` (with their original times) and forgets them.
  void flush_to(Logger& target);
  // Buffered mode: forgets the kept lines.
  void discard();

 private:
  struct Line {
    std::chrono::system_clock::time_point when;
    LogLevel level;
    std::string name;
    std::string message;
  };
  void write(std::chrono::system_clock::time_point when, LogLevel level, std::string_view name,
             std::string_view message);

  std::mutex mutex_;
  Mode mode_ = Mode::kDirect;
  std::vector<Line> kept_;
  LogLevel console_level_ = LogLevel::kWarning;
  std::FILE* file_ = nullptr;
};

}  // namespace lumiere
