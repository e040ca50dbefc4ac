#include "sources/archive_source.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include <algorithm>

namespace lumiere::sources {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kArchiveChunkBytes = std::size_t{64} * 1024;

bool is_nested_archive(std::string_view name) {
  for (const std::string_view ext : {".zip", ".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz"}) {
    if (name.ends_with(ext)) return true;
  }
  return false;
}

std::string_view strip_dot_slash(std::string_view name) {
  while (name.starts_with("./")) name.remove_prefix(2);
  return name;
}

std::uint64_t decompressed_bytes(archive* reader) {
  return static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(reader, 0), 0));
}

}  // namespace

// What listing gathers before the root is known.
struct ArchiveSource::Listing {
  std::vector<Member> members;
  std::size_t refused = 0;
  bool capped = false;
};

Result<std::unique_ptr<ArchiveSource>> ArchiveSource::open(const fs::path& file) {
  return open(file, Limits{});
}

Result<std::unique_ptr<ArchiveSource>> ArchiveSource::open(const fs::path& file, const Limits& limits) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return unexpected(fs::exists(file, ec) ? ErrorCode::kInvalidArgument : ErrorCode::kNotFound,
                      fs::exists(file, ec) ? "not a regular file" : "no such file", file.string());
  }
  std::unique_ptr<ArchiveSource> source(new ArchiveSource());
  source->file_ = file;
  source->limits_ = limits;
  const std::uint64_t size = fs::file_size(file, ec);
  source->containers_.push_back(
      Container{nullptr, decompression_budget(ec ? 0 : size, limits.min_budget, limits.max_ratio)});
  if (auto ok = source->list(); !ok) return std::move(ok).error();
  return source;
}

ArchivePtr ArchiveSource::open_container(std::size_t container, std::string& problem) const {
  const auto& bytes = containers_[container].bytes;
  if (bytes == nullptr) return open_archive_file(file_, problem);
  return open_archive_memory(*bytes, problem);
}

Result<void> ArchiveSource::list() {
  std::string problem;
  if (!open_container(0, problem))
    return unexpected(ErrorCode::kInvalidArgument, "not an archive: " + problem, file_.string());
  Listing listing;
  list_container(0, "", 0, listing);
  if (listing.capped) {
    warnings_.push_back(
        fmt::format("listing stopped at {} members (the member limit): the rest of the archive was "
                    "not analysed",
                    limits_.max_members));
  }
  prefix_ = assign_logical_paths(listing.members, &Member::name);
  if (const std::size_t duplicates = listing_.assign(std::move(listing.members)); duplicates > 0) {
    warnings_.push_back(
        fmt::format("{} member name(s) appear more than once; the last copy of each is read", duplicates));
  }
  if (listing.refused > kNamedWarnings) {
    warnings_.push_back(fmt::format("... and {} more member(s) refused", listing.refused - kNamedWarnings));
  }
  return {};
}

void ArchiveSource::list_container(std::size_t container, const std::string& prefix, std::size_t depth,
                                   Listing& listing) {
  std::string problem;
  ArchivePtr reader = open_container(container, problem);
  const std::string where = prefix.empty() ? file_.filename().string() : prefix.substr(0, prefix.size() - 1);
  if (!reader) {
    warnings_.push_back(fmt::format("{}: cannot be read as an archive: {}", where, problem));
    return;
  }
  const std::uint64_t budget = containers_[container].budget;
  auto refuse = [&](Member& m, std::string why) {
    if (listing.refused++ < kNamedWarnings) warnings_.push_back(m.name + ": " + why);
    m.refused = std::move(why);
  };
  archive_entry* entry = nullptr;
  for (std::size_t ordinal = 0;; ++ordinal) {
    const int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      warnings_.push_back(fmt::format("{}: damaged after {} member(s): {}", where, ordinal,
                                      archive_problem(reader.get(), "unreadable")));
      break;
    }
    if (listing.members.size() >= limits_.max_members) {
      listing.capped = true;
      break;
    }
    const char* raw = archive_entry_pathname(entry);
    const std::string_view name = strip_dot_slash(raw != nullptr ? raw : "");
    const auto type = archive_entry_filetype(entry);
    if (name.empty() || (type == AE_IFDIR && archive_entry_hardlink(entry) == nullptr)) continue;
    Member m;
    m.name = prefix + std::string(name);
    while (m.name.ends_with('/')) m.name.pop_back();
    m.container = container;
    m.ordinal = ordinal;
    m.declared = archive_entry_size_is_set(entry) != 0 ? archive_entry_size(entry) : -1;
    const char* hard = archive_entry_hardlink(entry);
    if (member_path_escapes(name)) {
      refuse(m, "a member with an absolute or '..' path: never read");
    } else if (hard != nullptr) {
      refuse(m, fmt::format("a hard link member (=> {}): never followed", hard));
    } else if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(entry);
      refuse(m, fmt::format("a symbolic link member (-> {}): never followed", target != nullptr ? target : ""));
    } else if (type != AE_IFREG) {
      refuse(m, "a special file member (FIFO, device or socket): never read");
    } else if (m.declared > 0 && static_cast<std::uint64_t>(m.declared) > limits_.max_member_bytes) {
      refuse(m, fmt::format("declares {} MiB, over the {} MiB limit of one member: never read", m.declared >> 20,
                            limits_.max_member_bytes >> 20U));
    }
    // Skipping a member of a compressed stream decompresses it: stop before the budget is spent.
    const std::uint64_t declared = m.declared > 0 ? static_cast<std::uint64_t>(m.declared) : 0;
    if (decompressed_bytes(reader.get()) + declared > budget) {
      warnings_.push_back(
          fmt::format("{}: listing stopped at member {} (\"{}\"): the archive expands beyond {} MiB, "
                      "over {}x its size (a possible decompression bomb); the rest was not analysed",
                      where, ordinal, m.name, budget >> 20U, limits_.max_ratio));
      break;
    }
    const bool nested = m.refused.empty() && depth < limits_.max_nesting && is_nested_archive(name);
    listing.members.push_back(m);
    if (!nested) {
      if (archive_read_data_skip(reader.get()) != ARCHIVE_OK) {
        warnings_.push_back(fmt::format("{}: damaged at member \"{}\": {}", where, m.name,
                                        archive_problem(reader.get(), "unreadable")));
        break;
      }
      continue;
    }
    // An archive in the archive: held in memory (bounded) and listed under its own name.
    auto bytes = std::make_shared<std::vector<std::uint8_t>>();
    std::vector<std::uint8_t> chunk(kArchiveChunkBytes);
    bool ok = true;
    while (true) {
      const la_ssize_t n = archive_read_data(reader.get(), chunk.data(), chunk.size());
      if (n == 0) break;
      if (n < 0 || bytes->size() + static_cast<std::size_t>(n) > limits_.max_nested_bytes ||
          decompressed_bytes(reader.get()) > budget) {
        warnings_.push_back(
            fmt::format("{}: the archive inside it could not be listed ({})", m.name,
                        n < 0 ? archive_problem(reader.get(), "unreadable") : std::string("beyond the size limits")));
        ok = false;
        break;
      }
      bytes->insert(bytes->end(), chunk.begin(), chunk.begin() + n);
    }
    if (!ok) break;
    const std::size_t inner = containers_.size();
    containers_.push_back(Container{bytes, decompression_budget(bytes->size(), limits_.min_budget, limits_.max_ratio)});
    list_container(inner, m.name + "/", depth + 1, listing);
    if (listing.capped) break;
  }
}

Result<void> ArchiveSource::stream_entry(const Member& member, std::uint64_t limit, const ContentSink& sink) const {
  if (!member.refused.empty()) return unexpected(ErrorCode::kCorrupt, member.refused, member.logical);
  std::string problem;
  ArchivePtr reader = open_container(member.container, problem);
  if (!reader) return unexpected(ErrorCode::kCorrupt, "the archive cannot be read again: " + problem, member.logical);
  const std::uint64_t budget = containers_[member.container].budget;
  archive_entry* entry = nullptr;
  for (std::size_t ordinal = 0; ordinal <= member.ordinal; ++ordinal) {
    if (archive_read_next_header(reader.get(), &entry) < ARCHIVE_WARN) {
      return unexpected(ErrorCode::kCorrupt, "the archive changed or is damaged: " + archive_problem(reader.get(), ""),
                        member.logical);
    }
    if (ordinal < member.ordinal) {
      if (decompressed_bytes(reader.get()) > budget || archive_read_data_skip(reader.get()) != ARCHIVE_OK) {
        return unexpected(ErrorCode::kLimitExceeded, "the archive cannot be read up to this member within its limits",
                          member.logical);
      }
    }
  }
  std::uint64_t total = 0;
  std::vector<std::uint8_t> chunk(kArchiveChunkBytes);
  while (true) {
    const la_ssize_t n = archive_read_data(reader.get(), chunk.data(), chunk.size());
    if (n == 0) break;
    if (n < 0) {
      return unexpected(ErrorCode::kCorrupt,
                        "damaged member (it may end before the size its header declares): " +
                            archive_problem(reader.get(), "unreadable"),
                        member.logical);
    }
    total += static_cast<std::uint64_t>(n);
    if (member.declared >= 0 && total > static_cast<std::uint64_t>(member.declared)) {
      return unexpected(
          ErrorCode::kCorrupt,
          fmt::format("holds more bytes than its header declares ({}): a lying size, not read", member.declared),
          member.logical);
    }
    if (total > limit) {
      return unexpected(ErrorCode::kLimitExceeded, fmt::format("expands beyond the {} MiB read limit", limit >> 20U),
                        member.logical);
    }
    if (decompressed_bytes(reader.get()) > budget) {
      return unexpected(ErrorCode::kLimitExceeded,
                        fmt::format("the archive expands beyond {} MiB, over {}x its size (a possible decompression "
                                    "bomb)",
                                    budget >> 20U, limits_.max_ratio),
                        member.logical);
    }
    if (auto ok = sink(std::span<const std::uint8_t>(chunk.data(), static_cast<std::size_t>(n))); !ok) return ok;
  }
  if (member.declared >= 0 && total < static_cast<std::uint64_t>(member.declared)) {
    return unexpected(ErrorCode::kCorrupt,
                      fmt::format("holds {} bytes but its header declares {}: a lying size or a truncated archive, "
                                  "not read",
                                  total, member.declared),
                      member.logical);
  }
  return {};
}

}  // namespace lumiere::sources
