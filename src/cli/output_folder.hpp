// The output folder of a run: new or empty (or cleared of lumiere's own earlier results with --force),
// locked for the run so that a second run into it fails instead of mixing files, and watched for SIGINT,
// SIGTERM and SIGHUP so that an interrupted run says so in command.log and leaves no half-written file.
#pragma once

#include <signal.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>

#include "core/log.hpp"
#include "core/result.hpp"

namespace lumiere::cli {

// Whether `name` (a file name, no folder) is one lumiere writes into an output folder: MVT's result files,
// the reader reports, command.log, scan.json, and the temporary names of files being written.
bool is_lumiere_result_name(const std::string& name);

// Holds the run's lock on its output folder (flock on the folder itself) until destroyed.
class OutputFolder {
 public:
  OutputFolder() = default;
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;
  OutputFolder(OutputFolder&& other) noexcept;
  OutputFolder& operator=(OutputFolder&& other) noexcept;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

  // Creates `folder` if missing, locks it, and checks that it is empty. A non-empty folder is an error,
  // unless `force`: then the files lumiere writes (is_lumiere_result_name, also in the subfolders of an
  // earlier multi-input scan that hold a command.log) are removed first and everything else is left alone.
  // A folder locked by another run is an error.
  [[nodiscard]] static Result<OutputFolder> prepare(const std::filesystem::path& folder, bool force);

 private:
  std::filesystem::path path_;
  int fd_ = -1;
};

// While alive, SIGINT, SIGTERM and SIGHUP are taken by a watcher thread (they are blocked in the creating
// thread and in the threads it starts afterwards). On one, the watcher logs an ERROR into `logger` (and so
// command.log) saying the run was interrupted and its results are incomplete, removes the temporary files of
// results being written in `folder`, and ends the process with 128 + the signal number. Files that were
// complete stay; alerts.json, info.json and report.html are only ever written at the end of a run.
class InterruptWatch {
 public:
  InterruptWatch(Logger& logger, std::filesystem::path folder);
  ~InterruptWatch();
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;
  InterruptWatch(InterruptWatch&&) = delete;
  InterruptWatch& operator=(InterruptWatch&&) = delete;

 private:
  void watch(const std::stop_token& stop);

  Logger& logger_;
  std::filesystem::path folder_;
  sigset_t watched_{};
  sigset_t previous_{};
  std::jthread watcher_;
};

}  // namespace lumiere::cli
