#include "core/log.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

namespace lumiere {

const char* log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::kDebug: return "DEBUG";
    case LogLevel::kInfo:
    case LogLevel::kAlertInfo: return "INFO";
    case LogLevel::kWarning: return "WARNING";
    case LogLevel::kAlertLow: return "LOW";
    case LogLevel::kError: return "ERROR";
    case LogLevel::kAlertMedium: return "MEDIUM";
    case LogLevel::kAlertHigh: return "HIGH";
    case LogLevel::kCritical:
    case LogLevel::kAlertCritical: return "CRITICAL";
  }
  return "INFO";
}

std::string cut_for_log(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  std::size_t end = max;
  // Back off UTF-8 continuation bytes (10xxxxxx) so that the cut falls between characters.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
  return fmt::format("{}... ({} bytes in all)", text.substr(0, end), text.size());
}

Logger::Logger() = default;

Logger::Logger(Mode mode) : mode_(mode) {}

Logger::~Logger() {
  if (file_ != nullptr) std::fclose(file_);
}

void Logger::set_console_level(LogLevel level) {
  const std::lock_guard lock(mutex_);
  console_level_ = level;
}

Result<void> Logger::open_file(const std::filesystem::path& file) {
  const std::lock_guard lock(mutex_);
  // Never through a link, never onto a FIFO or device planted where the log goes (O_NONBLOCK: a FIFO
  // without a reader fails at once instead of hanging the run).
  const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0644);
  if (fd < 0) return unexpected(ErrorCode::kIo, std::string("cannot open log: ") + std::strerror(errno), file.string());
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return unexpected(ErrorCode::kIo, "cannot open log: not a regular file", file.string());
  }
  ::fcntl(fd, F_SETFL, O_WRONLY | O_APPEND);
  std::FILE* handle = ::fdopen(fd, "a");
  if (handle == nullptr) {
    ::close(fd);
    return unexpected(ErrorCode::kIo, std::string("cannot open log: ") + std::strerror(errno), file.string());
  }
  if (file_ != nullptr) std::fclose(file_);
  file_ = handle;
  return {};
}

void Logger::log(LogLevel level, std::string_view name, std::string_view message) {
  const auto now = std::chrono::system_clock::now();
  const std::string line = cut_for_log(message, kMaxLogMessageBytes);
  const std::lock_guard lock(mutex_);
  if (mode_ == Mode::kBuffered) {
    kept_.push_back(Line{now, level, std::string(name), line});
    return;
  }
  write(now, level, name, line);
}

void Logger::flush_to(Logger& target) {
  std::vector<Line> lines;
  {
    const std::lock_guard lock(mutex_);
    lines.swap(kept_);
  }
  const std::lock_guard lock(target.mutex_);
  for (const auto& line : lines) {
    if (target.mode_ == Mode::kBuffered) {
      target.kept_.push_back(line);
    } else {
      target.write(line.when, line.level, line.name, line.message);
    }
  }
}

void Logger::discard() {
  const std::lock_guard lock(mutex_);
  kept_.clear();
}

// Called with mutex_ held.
void Logger::write(std::chrono::system_clock::time_point now, LogLevel level, std::string_view name,
                   std::string_view message) {
  if (file_ != nullptr) {
    // Python logging's default asctime: "2026-11-28 15:04:05,123" in local time.
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm local{};
    localtime_r(&seconds, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &local);
    fmt::print(file_, "{},{:03d} - {} - {} - {}\n", stamp, static_cast<int>(millis), name, log_level_name(level),
               message);
    std::fflush(file_);
  }
  const bool alert = level == LogLevel::kAlertInfo || level == LogLevel::kAlertLow || level == LogLevel::kAlertMedium ||
                     level == LogLevel::kAlertHigh || level == LogLevel::kAlertCritical;
  // Alerts reach the console through the end-of-run summary; as log lines only with -v.
  if (level >= console_level_ && (!alert || console_level_ == LogLevel::kDebug)) {
    fmt::print(stderr, "{:<8} [{}] {}\n", log_level_name(level), name, message);
  }
}

}  // namespace lumiere
