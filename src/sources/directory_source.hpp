// A folder tree as a Source: an iOS filesystem dump or an extracted acquisition. The tree is listed once
// (sorted, no link followed); the filesystem root is found inside it (sources/ios_paths.hpp: at the top,
// "private/var" at the top, or inside a wrapping folder). Every file is opened component by component with
// openat(O_NOFOLLOW) from the root's descriptor, so no read leaves the tree; symbolic links, FIFOs, devices
// and sockets are refused with a warning naming them, never followed nor opened.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "sources/listing.hpp"
#include "sources/no_follow.hpp"

namespace lumiere::sources {

struct DirectoryEntry {
  std::string logical;  // "private/var/mobile/..."
  std::string disk;     // relative to the tree
  std::string refused;  // why it is not read (a link, a special file); empty for a regular file
};

class DirectorySource final : public ListedSource<DirectoryEntry> {
 public:
  struct Limits {
    std::size_t max_entries = 5'000'000;  // listed entries; reaching it is reported
    std::size_t max_depth = 128;
    std::uint64_t max_read_bytes = 4ULL << 30U;         // one file read whole
    std::uint64_t max_memory_database = 512ULL << 20U;  // larger databases are opened on disk
  };

  static Result<std::unique_ptr<DirectorySource>> open(const std::filesystem::path& root);
  static Result<std::unique_ptr<DirectorySource>> open(const std::filesystem::path& root, const Limits& limits);
  ~DirectorySource() override;
  DirectorySource(const DirectorySource&) = delete;
  DirectorySource& operator=(const DirectorySource&) = delete;
  DirectorySource(DirectorySource&&) = delete;
  DirectorySource& operator=(DirectorySource&&) = delete;

  [[nodiscard]] EvidenceKind kind() const override { return EvidenceKind::kIosFilesystem; }
  [[nodiscard]] std::string not_found_reason() const override { return "not in the filesystem dump"; }
  // The folder the logical paths start from ("" when the tree itself is the root), relative to the tree.
  [[nodiscard]] const std::string& root_prefix() const { return prefix_; }

 private:
  using Entry = DirectoryEntry;

  DirectorySource() = default;
  Result<void> list(const Limits& limits);
  // A read-only descriptor of a regular file of the tree, opened without following any link.
  [[nodiscard]] Result<Fd> open_file(const Entry& entry) const;
  [[nodiscard]] Result<void> stream_entry(const Entry& entry, std::uint64_t limit,
                                          const ContentSink& sink) const override;
  [[nodiscard]] Result<std::vector<std::uint8_t>> read_entry(const Entry& entry, std::uint64_t limit) const override;
  [[nodiscard]] std::uint64_t read_limit() const override { return limits_.max_read_bytes; }
  [[nodiscard]] std::uint64_t database_limit() const override { return limits_.max_memory_database; }
  [[nodiscard]] std::optional<Result<sqlite::Database>> open_large_database(const Entry& entry) const override;

  std::filesystem::path root_;
  int root_fd_ = -1;
  Limits limits_;
  std::string prefix_;
};

}  // namespace lumiere::sources
