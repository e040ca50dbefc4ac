// A tar, tar.gz (any compression libarchive reads) or zip as a Source, read in place: nothing is extracted
// and nothing is written to disk. The listing is built once; archives inside it (a zip in a zip, a tar in a
// zip) are listed too, their members under "<member>/...". The filesystem root is found as in a folder
// (sources/ios_paths.hpp). A member is read by reading the archive again up to it; SQLite opens it from memory
// (its `-wal` member replayed in memory).
//
// Hostile members are refused with a warning naming them, never followed nor read: an absolute or `..`
// path, a symbolic or hard link, a special file; a member whose data is longer or shorter than its header
// says; a member or an archive that expands beyond the limits (a decompression bomb). Reaching the member
// count limit is reported, never silent.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sources/archive.hpp"
#include "sources/listing.hpp"

namespace lumiere::sources {

struct ArchiveMemberEntry {
  std::string logical;  // "private/var/mobile/..."
  std::string name;     // as the archive names it (nested: "<outer member>/<inner name>")
  std::size_t container = 0;
  std::size_t ordinal = 0;  // header index inside its container
  std::int64_t declared = -1;
  std::string refused;
};

class ArchiveSource final : public ListedSource<ArchiveMemberEntry> {
 public:
  struct Limits {
    std::size_t max_members = 2'000'000;           // over all nesting levels
    std::uint64_t max_member_bytes = 2ULL << 30U;  // one member read whole
    std::uint64_t min_budget = kMinDecompressedBudget;
    std::uint64_t max_ratio = kMaxCompressionRatio;  // decompressed bytes per archive byte, beyond min_budget
    std::size_t max_nesting = 3;
    std::uint64_t max_nested_bytes = 1ULL << 30U;  // a nested archive is held in memory
  };

  static Result<std::unique_ptr<ArchiveSource>> open(const std::filesystem::path& file);
  static Result<std::unique_ptr<ArchiveSource>> open(const std::filesystem::path& file, const Limits& limits);

  [[nodiscard]] EvidenceKind kind() const override { return EvidenceKind::kIosFilesystem; }
  [[nodiscard]] std::string not_found_reason() const override { return "not in the archive"; }
  [[nodiscard]] const std::string& root_prefix() const { return prefix_; }

 private:
  struct Container {
    std::shared_ptr<const std::vector<std::uint8_t>> bytes;  // nullptr: the archive file itself
    std::uint64_t budget = 0;
  };
  using Member = ArchiveMemberEntry;
  struct Listing;

  ArchiveSource() = default;
  Result<void> list();
  void list_container(std::size_t container, const std::string& prefix, std::size_t depth, Listing& listing);
  [[nodiscard]] ArchivePtr open_container(std::size_t container, std::string& problem) const;
  // Streams one member's data, checked against its declared size and the limits.
  [[nodiscard]] Result<void> stream_entry(const Member& member, std::uint64_t limit,
                                          const ContentSink& sink) const override;
  [[nodiscard]] std::uint64_t read_limit() const override { return limits_.max_member_bytes; }

  std::filesystem::path file_;
  Limits limits_;
  std::vector<Container> containers_;
  std::string prefix_;
};

}  // namespace lumiere::sources
