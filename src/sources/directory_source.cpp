#include "sources/directory_source.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/core.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace lumiere::sources {
namespace {

namespace fs = std::filesystem;

// Closes a descriptor it owns.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      if (fd_ >= 0) ::close(fd_);
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  [[nodiscard]] int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

constexpr std::size_t kFileChunkBytes = std::size_t{1} << 20U;

std::string describe_special(const struct stat& st) {
  if (S_ISFIFO(st.st_mode)) return "a FIFO (named pipe): never opened";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) return "a device file: never opened";
  if (S_ISSOCK(st.st_mode)) return "a socket: never opened";
  return "not a regular file: never opened";
}

std::string link_target(int dir_fd, const char* name) {
  std::array<char, 4096> target{};
  const ssize_t n = ::readlinkat(dir_fd, name, target.data(), target.size() - 1);
  return n < 0 ? std::string("?") : std::string(target.data(), static_cast<std::size_t>(n));
}

struct Walk {
  const DirectorySource::Limits& limits;
  std::vector<DirectoryEntry> entries;
  std::vector<std::string> problems;
  bool capped = false;

  // Lists the folder open as `dir_fd` (taken over), its sub-folders depth first, names sorted.
  void folder(int dir_fd, const std::string& rel, std::size_t depth) {
    DIR* dir = ::fdopendir(dir_fd);
    if (dir == nullptr) {
      ::close(dir_fd);
      problems.push_back(fmt::format("{}: cannot list the folder: {}", rel, std::strerror(errno)));
      return;
    }
    std::vector<std::string> names;
    while (const dirent* item = ::readdir(dir)) {
      const std::string_view name = item->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
    }
    std::sort(names.begin(), names.end());
    const int fd = ::dirfd(dir);
    for (const auto& name : names) {
      if (entries.size() >= limits.max_entries) {
        capped = true;
        break;
      }
      const std::string path = rel.empty() ? name : rel + "/" + name;
      struct stat st {};
      if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        problems.push_back(fmt::format("{}: cannot read its type: {}", path, std::strerror(errno)));
        continue;
      }
      if (S_ISDIR(st.st_mode)) {
        if (depth + 1 > limits.max_depth) {
          problems.push_back(
              fmt::format("{}: folders nested deeper than {} levels: not listed", path, limits.max_depth));
          continue;
        }
        const int sub = ::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub < 0) {
          problems.push_back(fmt::format("{}: cannot open the folder: {}", path, std::strerror(errno)));
          continue;
        }
        folder(sub, path, depth + 1);
        if (capped) break;
      } else if (S_ISREG(st.st_mode)) {
        entries.push_back({{}, path, {}});
      } else if (S_ISLNK(st.st_mode)) {
        entries.push_back({{}, path, "a symbolic link (-> " + link_target(fd, name.c_str()) + "): never followed"});
      } else {
        entries.push_back({{}, path, describe_special(st)});
      }
    }
    ::closedir(dir);
  }
};

}  // namespace

DirectorySource::~DirectorySource() {
  if (root_fd_ >= 0) ::close(root_fd_);
}

Result<std::unique_ptr<DirectorySource>> DirectorySource::open(const fs::path& root) {
  return open(root, Limits{});
}

Result<std::unique_ptr<DirectorySource>> DirectorySource::open(const fs::path& root, const Limits& limits) {
  // The root itself is the examiner's choice and may be reached through a link; nothing below it is.
  Fd fd(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) {
    const int err = errno;
    return unexpected(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                      std::string("cannot open the folder: ") + std::strerror(err), root.string());
  }
  std::unique_ptr<DirectorySource> source(new DirectorySource());
  source->root_ = root;
  source->root_fd_ = fd.release();
  source->limits_ = limits;
  if (auto ok = source->list(limits); !ok) return std::move(ok).error();
  return source;
}

Result<void> DirectorySource::list(const Limits& limits) {
  Walk walk{limits, {}, {}, false};
  const int top = ::dup(root_fd_);
  if (top < 0) return unexpected(ErrorCode::kIo, std::string("dup: ") + std::strerror(errno), root_.string());
  walk.folder(top, "", 0);

  prefix_ = assign_logical_paths(walk.entries, &Entry::disk);
  std::size_t refused = 0;
  for (const auto& entry : walk.entries) {
    if (!entry.refused.empty() && refused++ < kNamedWarnings) warnings_.push_back(entry.disk + ": " + entry.refused);
  }
  if (refused > kNamedWarnings) {
    warnings_.push_back(fmt::format("... and {} more link(s) or special file(s), refused", refused - kNamedWarnings));
  }
  for (auto& problem : walk.problems) warnings_.push_back(std::move(problem));
  if (walk.capped) {
    warnings_.push_back(
        fmt::format("listing stopped at {} entries: the rest of the tree was not analysed", limits.max_entries));
  }
  listing_.assign(std::move(walk.entries));
  return {};
}

Result<int> DirectorySource::open_file(const Entry& entry) const {
  if (!entry.refused.empty()) return unexpected(ErrorCode::kCorrupt, entry.refused, entry.logical);
  int dir = root_fd_;
  Fd held;
  std::size_t start = 0;
  while (true) {
    const std::size_t slash = entry.disk.find('/', start);
    const std::string part = entry.disk.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (slash == std::string::npos) {
      // O_NONBLOCK: a FIFO put in the file's place since the listing cannot make the open wait.
      Fd file(::openat(dir, part.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
      if (file.get() < 0) {
        const int err = errno;
        return unexpected(err == ELOOP ? ErrorCode::kCorrupt : ErrorCode::kIo,
                          err == ELOOP ? std::string("a symbolic link: never followed")
                                       : std::string("cannot open: ") + std::strerror(err),
                          entry.logical);
      }
      struct stat st {};
      if (::fstat(file.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return unexpected(ErrorCode::kCorrupt, "not a regular file any more: not read", entry.logical);
      }
      return file.release();
    }
    Fd next(::openat(dir, part.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (next.get() < 0) {
      return unexpected(
          ErrorCode::kCorrupt,
          fmt::format("folder {} cannot be opened without following a link: {}", part, std::strerror(errno)),
          entry.logical);
    }
    held = std::move(next);
    dir = held.get();
    start = slash + 1;
  }
}

Result<std::vector<std::uint8_t>> DirectorySource::read_entry(const Entry& entry, std::uint64_t limit) const {
  auto fd = open_file(entry);
  if (!fd) return std::move(fd).error();
  const Fd file(*fd);
  struct stat st {};
  if (::fstat(file.get(), &st) != 0) return unexpected(ErrorCode::kIo, std::strerror(errno), entry.logical);
  const auto size = static_cast<std::uint64_t>(st.st_size);
  if (size > limit) {
    return unexpected(ErrorCode::kLimitExceeded,
                      fmt::format("file of {} bytes, over the {} MiB read limit", size, limit >> 20U), entry.logical);
  }
  std::vector<std::uint8_t> data(static_cast<std::size_t>(size));
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::read(file.get(), data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), entry.logical);
    if (n == 0) return unexpected(ErrorCode::kIo, "short read (the file shrank while read)", entry.logical);
    done += static_cast<std::size_t>(n);
  }
  return data;
}

Result<void> DirectorySource::stream_entry(const Entry& entry, std::uint64_t limit, const ContentSink& sink) const {
  auto fd = open_file(entry);
  if (!fd) return std::move(fd).error();
  const Fd handle(*fd);
  std::vector<std::uint8_t> chunk(kFileChunkBytes);
  std::uint64_t total = 0;
  while (true) {
    const ssize_t n = ::read(handle.get(), chunk.data(), chunk.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(ErrorCode::kIo, std::string("cannot read: ") + std::strerror(errno), entry.logical);
    if (n == 0) return {};
    total += static_cast<std::uint64_t>(n);
    if (total > limit) {
      return unexpected(ErrorCode::kLimitExceeded, fmt::format("over the {} MiB read limit", limit >> 20U),
                        entry.logical);
    }
    if (auto ok = sink(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n))); !ok) return ok;
  }
}

std::optional<Result<sqlite::Database>> DirectorySource::open_large_database(const Entry& entry) const {
  // Opened on disk read-only (immutable, or replayed in a private copy with its WAL), once the no-follow open
  // has shown that the path stays inside the tree.
  auto fd = open_file(entry);
  if (!fd) return Result<sqlite::Database>(std::move(fd).error());
  const Fd checked(*fd);
  return sqlite::Database::open_evidence(root_ / entry.disk, entry.logical);
}

}  // namespace lumiere::sources
