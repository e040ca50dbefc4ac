// The listing of a folder or an archive source, built once: entries sorted by logical path, refused ones
// kept (with why) so that a module looking for them is told. `Entry` has `logical` and `refused` strings.
// ListedSource: what a folder and an archive source share over such a listing (globs, reads, databases
// opened from memory with their WAL replayed).
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "sources/ios_paths.hpp"
#include "sources/source.hpp"

namespace lumiere::sources {

// Refused files named one by one in listing warnings; beyond that, one line counts the rest.
inline constexpr std::size_t kNamedWarnings = 50;

template <class Entry>
class SortedListing {
 public:
  // Sorted by logical path; of entries with the same logical path (a tar appended to), the last is kept.
  // Returns how many were dropped as duplicates.
  std::size_t assign(std::vector<Entry> entries) {
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.logical < b.logical; });
    entries_.clear();
    std::size_t duplicates = 0;
    for (auto& entry : entries) {
      if (!entries_.empty() && entries_.back().logical == entry.logical) {
        entries_.back() = std::move(entry);
        ++duplicates;
      } else {
        entries_.push_back(std::move(entry));
      }
    }
    index_.clear();
    index_.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].logical, i);
    return duplicates;
  }

  [[nodiscard]] const Entry* find(std::string_view logical) const {
    const auto it = index_.find(std::string(logical));
    return it == index_.end() ? nullptr : &entries_[it->second];
  }

  // Only the entries under the pattern's literal head can match: a range of the sorted listing.
  [[nodiscard]] std::vector<EvidenceFile> glob(std::string_view pattern, std::vector<SourceNote>& notes) const {
    const std::string head(pattern.substr(0, std::min(pattern.find_first_of("*?"), pattern.size())));
    auto it = std::lower_bound(entries_.begin(), entries_.end(), head,
                               [](const Entry& e, const std::string& h) { return e.logical < h; });
    std::vector<EvidenceFile> found;
    for (; it != entries_.end() && it->logical.starts_with(head); ++it) {
      if (!glob_match(pattern, it->logical)) continue;
      if (!it->refused.empty()) {
        notes.push_back({WarningKind::kCorrupt, it->logical, it->refused});
      } else {
        found.push_back(EvidenceFile{it->logical, "", it->logical, 1, {}});
      }
    }
    return found;
  }

  template <class Visit>
  void for_each_file(Visit&& visit) const {
    for (const auto& e : entries_) {
      if (e.refused.empty()) visit(EvidenceFile{e.logical, "", e.logical, 1, {}});
    }
  }

 private:
  std::vector<Entry> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

// Finds the filesystem root among the entries' names (ios_paths::find_dump_root), gives each entry under it
// its logical path and drops the others (beside the root: not part of the dump). Returns the root's prefix.
template <class Entry>
std::string assign_logical_paths(std::vector<Entry>& entries, std::string Entry::*name) {
  std::vector<std::string> names;
  names.reserve(entries.size());
  for (const auto& e : entries) names.push_back(e.*name);
  const auto root = ios_paths::find_dump_root(names);
  std::string prefix;
  if (root) prefix = root->prefix;
  const std::string head = root && root->var_at_top ? "private/" : "";
  std::erase_if(entries, [&](const Entry& e) { return !(e.*name).starts_with(prefix); });
  for (auto& e : entries) e.logical = head + (e.*name).substr(prefix.size());
  return prefix;
}

template <class Entry>
class ListedSource : public Source {
 public:
  [[nodiscard]] Result<std::vector<EvidenceFile>> glob(std::string_view pattern,
                                                       std::vector<SourceNote>& notes) const override {
    return listing_.glob(pattern, notes);
  }
  [[nodiscard]] Result<void> for_each_file(const std::function<void(const EvidenceFile&)>& visit) const override {
    listing_.for_each_file(visit);
    return {};
  }
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const EvidenceFile& file) const override {
    const Entry* entry = listing_.find(file.relative_path);
    if (entry == nullptr) return unexpected(ErrorCode::kNotFound, not_found_reason(), file.relative_path);
    return read_entry(*entry, read_limit());
  }
  [[nodiscard]] Result<std::vector<std::uint8_t>> read_capped(const EvidenceFile& file,
                                                              std::uint64_t limit) const override {
    const Entry* entry = listing_.find(file.relative_path);
    if (entry == nullptr) return unexpected(ErrorCode::kNotFound, not_found_reason(), file.relative_path);
    return read_entry(*entry, std::min(limit, read_limit()));
  }
  [[nodiscard]] Result<void> read_stream(const EvidenceFile& file, const ContentSink& sink) const override {
    const Entry* entry = listing_.find(file.relative_path);
    if (entry == nullptr) return unexpected(ErrorCode::kNotFound, not_found_reason(), file.relative_path);
    return stream_entry(*entry, read_limit(), sink);
  }
  // From memory, with the `<file>-wal` entry beside it (when it is a regular file) replayed in memory.
  [[nodiscard]] Result<sqlite::Database> open_database(const EvidenceFile& file) const override {
    const Entry* entry = listing_.find(file.relative_path);
    if (entry == nullptr) return unexpected(ErrorCode::kNotFound, not_found_reason(), file.relative_path);
    auto image = read_entry(*entry, database_limit());
    if (!image && image.error().code == ErrorCode::kLimitExceeded) {
      if (auto on_disk = open_large_database(*entry)) return std::move(*on_disk);
    }
    if (!image) return std::move(image).error();
    const Entry* wal = listing_.find(entry->logical + "-wal");
    if (wal == nullptr || !wal->refused.empty()) return open_database_image(std::move(*image), nullptr, entry->logical);
    auto wal_bytes = read_entry(*wal, database_limit());
    if (!wal_bytes) return std::move(wal_bytes).error();
    return open_database_image(std::move(*image), &*wal_bytes, entry->logical);
  }
  [[nodiscard]] std::vector<std::string> listing_warnings() const override { return warnings_; }

 protected:
  // The entry's content in pieces, at most `limit` bytes (kLimitExceeded beyond); a refused entry is an error.
  [[nodiscard]] virtual Result<void> stream_entry(const Entry& entry, std::uint64_t limit,
                                                  const ContentSink& sink) const = 0;
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read_entry(const Entry& entry, std::uint64_t limit) const {
    std::vector<std::uint8_t> data;
    auto ok = stream_entry(entry, limit, [&data](std::span<const std::uint8_t> piece) -> Result<void> {
      data.insert(data.end(), piece.begin(), piece.end());
      return {};
    });
    if (!ok) return std::move(ok).error();
    return data;
  }
  [[nodiscard]] virtual std::uint64_t read_limit() const = 0;
  [[nodiscard]] virtual std::uint64_t database_limit() const { return read_limit(); }
  // A database too large to hold in memory, opened another way; std::nullopt: it is an error.
  [[nodiscard]] virtual std::optional<Result<sqlite::Database>> open_large_database(const Entry& /*entry*/) const {
    return std::nullopt;
  }

  SortedListing<Entry> listing_;
  std::vector<std::string> warnings_;
};

}  // namespace lumiere::sources
