// Opening files of the evidence without ever leaving it: every component of a path is opened with
// openat(O_NOFOLLOW) from the descriptor of the evidence's root, so a symbolic link (to a file or a folder)
// anywhere below the root is refused, never followed; FIFOs, devices and sockets are refused before they are
// opened. Shared by the folder source and the iOS backup.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "sources/evidence_file.hpp"

namespace lumiere::sources {

// Closes a descriptor it owns.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd();
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  [[nodiscard]] bool valid() const { return fd_ >= 0; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

// Why a file that is not a regular file is not read: "a FIFO (named pipe): never opened", ... (`mode` as
// lstat gives it; a link is named with its target by refusal()).
std::string describe_special(mode_t mode);
// The target of the link `name` in the folder `dir_fd`, "?" when unreadable.
std::string link_target(int dir_fd, const char* name);

// A regular file `relative` ("a/b/c", no leading '/', no "..") below the folder open as `root_fd`, opened
// read-only without following any link. kNotFound when something on the way is missing; kCorrupt, with why,
// when a component is a symbolic link or the file is not a regular file (the message names the link's target
// or the kind of file, the error's path is `display`).
Result<Fd> open_beneath(int root_fd, std::string_view relative, const std::string& display);

// The whole content of `fd` (a regular file), checked against `limit` before anything is allocated:
// kLimitExceeded beyond it.
Result<std::vector<std::uint8_t>> read_all(const Fd& fd, std::uint64_t limit, const std::string& display);
// The content in pieces of about a megabyte; kLimitExceeded as soon as more than `limit` bytes came.
Result<void> stream_all(const Fd& fd, std::uint64_t limit, const std::string& display, const ContentSink& sink);
// Size of the regular file open as `fd`.
Result<std::uint64_t> file_size(const Fd& fd, const std::string& display);

}  // namespace lumiere::sources
