#include "cli/output_folder.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <pthread.h>
#include <sys/file.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "framework/registry.hpp"

namespace lumiere::cli {
namespace {

namespace fs = std::filesystem;
constexpr const char* kWatchLogger = "lumiere.cli";

// Files every run may write, whatever its modules.
constexpr std::array<std::string_view, 10> kFixedNames{
    "command.log",         "info.json", "alerts.json", "timeline.csv", "timeline.jsonl",
    "alerts_timeline.csv", "urls.json", "report.html", "scan.json",    "report.txt",
};

bool is_module_file(std::string_view name) {
  std::string_view stem;
  if (name.ends_with("_detected.json")) {
    stem = name.substr(0, name.size() - std::string_view("_detected.json").size());
  } else if (name.ends_with(".json")) {
    stem = name.substr(0, name.size() - std::string_view(".json").size());
  } else {
    return false;
  }
  for (const auto& entry : module_registry()) {
    if (entry.descriptor().slug == stem) return true;
  }
  return false;
}

std::string errno_text(int error) {
  return std::strerror(error);  // NOLINT(concurrency-mt-unsafe): messages only, before threads start
}

// Removes lumiere's files directly in `folder`; with `descend`, also in its subfolders that hold a
// command.log (the per-input folders of a multi-input scan). Links are removed as links, never followed.
Result<void> clear_results(const fs::path& folder, bool descend) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const auto status = it->symlink_status(ec);
    if (ec) break;
    if (fs::is_directory(status)) {
      std::error_code sub;
      if (descend && fs::is_regular_file(fs::symlink_status(it->path() / "command.log", sub))) {
        if (auto ok = clear_results(it->path(), false); !ok) return ok;
        fs::remove(it->path(), sub);  // only if now empty; a folder with other files stays
      }
      continue;
    }
    if (!is_lumiere_result_name(name)) continue;
    if (!fs::remove(it->path(), ec) && ec) break;
  }
  if (ec) return unexpected(ErrorCode::kIo, "cannot clear earlier results: " + ec.message(), folder.string());
  return {};
}

bool is_empty_folder(const fs::path& folder) {
  std::error_code ec;
  return fs::directory_iterator(folder, ec) == fs::directory_iterator();
}

}  // namespace

bool is_lumiere_result_name(const std::string& name) {
  for (const auto fixed : kFixedNames) {
    if (name == fixed) return true;
  }
  // Written under a temporary name and renamed when complete (output/mvt_files.cpp), or spilled while sorting.
  if (name.starts_with('.') && (name.find(".partial-") != std::string::npos || name.starts_with(".lumiere-"))) {
    return true;
  }
  return is_module_file(name);
}

OutputFolder::~OutputFolder() {
  if (fd_ >= 0) ::close(fd_);  // releases the lock
}

OutputFolder::OutputFolder(OutputFolder&& other) noexcept
    : path_(std::move(other.path_)), fd_(std::exchange(other.fd_, -1)) {}

OutputFolder& OutputFolder::operator=(OutputFolder&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    path_ = std::move(other.path_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Result<OutputFolder> OutputFolder::prepare(const fs::path& folder, bool force) {
  std::error_code ec;
  const auto status = fs::symlink_status(folder, ec);
  if (fs::is_symlink(status)) {
    return unexpected(ErrorCode::kInvalidArgument, "the output folder is a symbolic link: give the real folder",
                      folder.string());
  }
  if (fs::exists(status) && !fs::is_directory(status)) {
    return unexpected(ErrorCode::kInvalidArgument, "the output path exists and is not a folder", folder.string());
  }
  fs::create_directories(folder, ec);
  if (ec) return unexpected(ErrorCode::kIo, "cannot create the output folder: " + ec.message(), folder.string());

  OutputFolder out;
  out.path_ = folder;
  out.fd_ = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (out.fd_ < 0) {
    return unexpected(ErrorCode::kIo, "cannot open the output folder: " + errno_text(errno), folder.string());
  }
  if (::flock(out.fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return unexpected(ErrorCode::kInvalidArgument,
                        "another lumiere run is writing into this output folder; wait for it or give another -o",
                        folder.string());
    }
    return unexpected(ErrorCode::kIo, "cannot lock the output folder: " + errno_text(errno), folder.string());
  }
  if (is_empty_folder(folder)) return out;
  if (!force) {
    return unexpected(ErrorCode::kInvalidArgument,
                      "the output folder is not empty; give a new or empty folder, or --force to replace lumiere's "
                      "earlier results in it (only those are removed)",
                      folder.string());
  }
  if (auto ok = clear_results(folder, true); !ok) return unexpected(std::move(ok).error());
  return out;
}

InterruptWatch::InterruptWatch(Logger& logger, fs::path folder) : logger_(logger), folder_(std::move(folder)) {
  sigemptyset(&watched_);
  sigaddset(&watched_, SIGINT);
  sigaddset(&watched_, SIGTERM);
  sigaddset(&watched_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_);
  try {
    watcher_ = std::jthread([this](const std::stop_token& stop) { watch(stop); });
  } catch (const std::system_error&) {
    // No thread (no memory for its stack): the signals keep their default action.
    pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
}

InterruptWatch::~InterruptWatch() {
  watcher_.request_stop();
  if (watcher_.joinable()) watcher_.join();
  // A signal that came after the watcher stopped is delivered now, with its default action.
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

void InterruptWatch::watch(const std::stop_token& stop) {
  const timespec tick{0, 100'000'000};  // 100 ms: how soon the watcher notices the end of the run
  while (!stop.stop_requested()) {
    const int signal = sigtimedwait(&watched_, nullptr, &tick);
    if (signal < 0) continue;  // timeout or EINTR
    const char* name = signal == SIGINT ? "SIGINT (Ctrl-C)" : signal == SIGTERM ? "SIGTERM" : "SIGHUP";
    logger_.error(kWatchLogger, fmt::format("Interrupted by {} before the run finished: the results in this folder are "
                                            "INCOMPLETE and no verdict was reached. Run the check again.",
                                            name));
    std::error_code ec;
    for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
      const std::string file = it->path().filename().string();
      if (file.starts_with('.') && file.find(".partial-") != std::string::npos) fs::remove(it->path(), ec);
    }
    std::_Exit(128 + signal);
  }
}

}  // namespace lumiere::cli
