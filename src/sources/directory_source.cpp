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
        entries.push_back({{}, path, describe_special(st.st_mode)});
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

Result<Fd> DirectorySource::open_file(const Entry& entry) const {
  if (!entry.refused.empty()) return unexpected(ErrorCode::kCorrupt, entry.refused, entry.logical);
  return open_beneath(root_fd_, entry.disk, entry.logical);
}

Result<std::vector<std::uint8_t>> DirectorySource::read_entry(const Entry& entry, std::uint64_t limit) const {
  auto fd = open_file(entry);
  if (!fd) return std::move(fd).error();
  return read_all(*fd, limit, entry.logical);
}

Result<void> DirectorySource::stream_entry(const Entry& entry, std::uint64_t limit, const ContentSink& sink) const {
  auto fd = open_file(entry);
  if (!fd) return std::move(fd).error();
  return stream_all(*fd, limit, entry.logical, sink);
}

std::optional<Result<sqlite::Database>> DirectorySource::open_large_database(const Entry& entry) const {
  // Opened on disk read-only (immutable, or replayed in a private copy with its WAL), once the no-follow open
  // has shown that the path stays inside the tree.
  if (auto fd = open_file(entry); !fd) return Result<sqlite::Database>(std::move(fd).error());
  return sqlite::Database::open_evidence(root_ / entry.disk, entry.logical);
}

}  // namespace lumiere::sources
