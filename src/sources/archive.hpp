// libarchive shared by evidence detection (detect.cpp) and the archive source (archive_source.cpp): readers
// for zip and (compressed) tar, and the checks of hostile members, so both judge an archive the same way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct archive;
struct archive_entry;

namespace lumiere::sources {

struct ArchiveDeleter {
  void operator()(archive* a) const;
};
using ArchivePtr = std::unique_ptr<archive, ArchiveDeleter>;

// A reader of zip, tar (ustar, pax, GNU) under any compression filter. On failure: nullptr and `problem`.
ArchivePtr open_archive_file(const std::filesystem::path& file, std::string& problem);
// The same over bytes in memory (a nested archive); `bytes` must outlive the reader.
ArchivePtr open_archive_memory(std::span<const std::uint8_t> bytes, std::string& problem);
// libarchive's last error on `reader`, or `fallback`.
std::string archive_problem(archive* reader, std::string_view fallback);

// Bytes that skipping or reading members may decompress, at most: max(kMinDecompressedBudget,
// kMaxCompressionRatio × the archive's size). Beyond it the archive is treated as a decompression bomb.
std::uint64_t decompression_budget(std::uint64_t archive_bytes);
std::uint64_t decompression_budget(std::uint64_t archive_bytes, std::uint64_t min_budget, std::uint64_t ratio);

// True when a member name would land outside the folder it is extracted to: absolute, or with a `..` step.
bool member_path_escapes(std::string_view name);
// True when a symlink `target`, resolved from the folder of `member`, climbs out of the archive.
bool link_climbs_out(std::string_view member, std::string_view target);

// The hostile shapes of members, as warnings (at most one of each kind, with how many there were).
class MemberChecks {
 public:
  void see(archive_entry* entry);
  void report(std::vector<std::string>& warnings) const;

 private:
  static void note(std::size_t& count, std::string& first, std::string_view what);

  std::size_t unsafe_paths_ = 0;
  std::string first_unsafe_path_;
  std::size_t unsafe_links_ = 0;
  std::string first_unsafe_link_;
};

}  // namespace lumiere::sources
