#include "sources/no_follow.hpp"

#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace lumiere::sources {
namespace {

constexpr std::size_t kChunkBytes = std::size_t{1} << 20U;

// Why the entry `name` of the folder `dir_fd` is not opened, or "" when it is a regular file (or a folder
// when `folder`). `missing` is set when it does not exist.
std::string refusal(int dir_fd, const std::string& name, bool folder, bool& missing) {
  struct stat st {};
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    missing = errno == ENOENT || errno == ENOTDIR;
    return missing ? "not found" : std::string("cannot read its type: ") + std::strerror(errno);
  }
  if (S_ISLNK(st.st_mode)) return "a symbolic link (-> " + link_target(dir_fd, name.c_str()) + "): never followed";
  if (folder) return S_ISDIR(st.st_mode) ? "" : "not a folder";
  return S_ISREG(st.st_mode) ? "" : describe_special(st.st_mode);
}

}  // namespace

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

std::string describe_special(mode_t mode) {
  if (S_ISFIFO(mode)) return "a FIFO (named pipe): never opened";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device file: never opened";
  if (S_ISSOCK(mode)) return "a socket: never opened";
  if (S_ISDIR(mode)) return "a folder, not a file: not read";
  return "not a regular file: never opened";
}

std::string link_target(int dir_fd, const char* name) {
  std::array<char, 4096> target{};
  const ssize_t n = ::readlinkat(dir_fd, name, target.data(), target.size() - 1);
  return n < 0 ? std::string("?") : std::string(target.data(), static_cast<std::size_t>(n));
}

Result<Fd> open_beneath(int root_fd, std::string_view relative, const std::string& display) {
  int dir = root_fd;
  Fd held;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = relative.find('/', start);
    const bool last = slash == std::string_view::npos;
    const std::string part(relative.substr(start, last ? std::string_view::npos : slash - start));
    if (part.empty() || part == "." || part == "..") {
      return unexpected(ErrorCode::kCorrupt, "a path that could leave the evidence: never opened", display);
    }
    bool missing = false;
    if (std::string why = refusal(dir, part, !last, missing); !why.empty()) {
      if (missing) return unexpected(ErrorCode::kNotFound, "file not found", display);
      return unexpected(ErrorCode::kCorrupt, last ? why : fmt::format("its folder {}: {}", part, why), display);
    }
    // O_NOFOLLOW closes the race with a link put in place since the check; O_NONBLOCK keeps a FIFO put there
    // from making the open wait.
    const int flags = last ? O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC
                           : O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    Fd next(::openat(dir, part.c_str(), flags));
    if (!next.valid()) {
      const int err = errno;
      return unexpected(err == ELOOP || err == ENOTDIR ? ErrorCode::kCorrupt : ErrorCode::kIo,
                        err == ELOOP ? std::string("a symbolic link: never followed")
                                     : std::string("cannot open: ") + std::strerror(err),
                        display);
    }
    if (last) {
      struct stat st {};
      if (::fstat(next.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return unexpected(ErrorCode::kCorrupt, "not a regular file any more: not read", display);
      }
      // Reads block as usual from here (O_NONBLOCK only guarded the open).
      ::fcntl(next.get(), F_SETFL, O_RDONLY);
      return next;
    }
    held = std::move(next);
    dir = held.get();
    start = slash + 1;
  }
}

Result<std::uint64_t> file_size(const Fd& fd, const std::string& display) {
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return unexpected(ErrorCode::kIo, std::strerror(errno), display);
  return static_cast<std::uint64_t>(st.st_size);
}

Result<std::vector<std::uint8_t>> read_all(const Fd& fd, std::uint64_t limit, const std::string& display) {
  auto size = file_size(fd, display);
  if (!size) return std::move(size).error();
  if (*size > limit) {
    return unexpected(ErrorCode::kLimitExceeded,
                      fmt::format("file of {} bytes, over the {} MiB read limit: not read", *size, limit >> 20U),
                      display);
  }
  std::vector<std::uint8_t> data(static_cast<std::size_t>(*size));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(fd.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), display);
    if (n == 0) return unexpected(ErrorCode::kIo, "short read (the file shrank while read)", display);
    done += static_cast<std::size_t>(n);
  }
  return data;
}

Result<void> stream_all(const Fd& fd, std::uint64_t limit, const std::string& display, const ContentSink& sink) {
  std::vector<std::uint8_t> chunk(kChunkBytes);
  std::uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(fd.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), display);
    if (n == 0) return {};
    total += static_cast<std::uint64_t>(n);
    if (total > limit) {
      return unexpected(ErrorCode::kLimitExceeded, fmt::format("over the {} MiB read limit", limit >> 20U), display);
    }
    if (auto ok = sink(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n))); !ok) return ok;
  }
}

}  // namespace lumiere::sources
