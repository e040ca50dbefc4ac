#include "sources/source.hpp"

#include <fmt/core.h>

#include "core/sqlite_wal.hpp"

namespace lumiere::sources {
namespace {

// One path component against one pattern component: '*' any run, '?' one character.
bool component_match(std::string_view pattern, std::string_view name) {
  std::size_t p = 0;
  std::size_t n = 0;
  std::size_t star = std::string_view::npos;
  std::size_t resume = 0;
  while (n < name.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == name[n])) {
      ++p;
      ++n;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t end = std::min(path.find('/', start), path.size());
    parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

bool match_parts(std::span<const std::string_view> pattern, std::span<const std::string_view> path) {
  if (pattern.empty()) return path.empty();
  if (pattern.front() == "**") {
    for (std::size_t skip = 0; skip <= path.size(); ++skip) {
      if (match_parts(pattern.subspan(1), path.subspan(skip))) return true;
    }
    return false;
  }
  if (path.empty() || !component_match(pattern.front(), path.front())) return false;
  // Python's glob: a leading '.' is matched only by a pattern that says it.
  if (path.front().starts_with('.') && !pattern.front().starts_with('.')) return false;
  return match_parts(pattern.subspan(1), path.subspan(1));
}

}  // namespace

std::string EvidenceFile::provenance() const {
  return domain.empty() ? relative_path : domain + "/" + relative_path;
}

std::string EvidenceFile::stored_path() const {
  if (domain.empty()) return relative_path;
  return file_id.substr(0, 2) + "/" + file_id;
}

bool glob_match(std::string_view pattern, std::string_view path) {
  const auto pattern_parts = split(pattern);
  const auto path_parts = split(path);
  return match_parts(pattern_parts, path_parts);
}

Result<sqlite::Database> open_database_image(std::vector<std::uint8_t> image, const std::vector<std::uint8_t>* wal,
                                             const std::string& display_path) {
  if (wal != nullptr) {
    if (auto replayed = sqlite::apply_wal(image, *wal, display_path + "-wal");
        !replayed && replayed.error().code == ErrorCode::kLimitExceeded) {
      return std::move(replayed).error();
    }
  }
  return sqlite::Database::open_image(std::move(image), display_path);
}

Result<std::vector<EvidenceFile>> Source::locate(std::optional<std::string_view> /*domain*/,
                                                 std::string_view /*relative_path*/,
                                                 std::vector<SourceNote>& /*notes*/) const {
  return std::vector<EvidenceFile>{};
}

Result<std::vector<EvidenceFile>> Source::glob(std::string_view pattern, std::vector<SourceNote>& /*notes*/) const {
  std::vector<EvidenceFile> found;
  auto ok = for_each_file([&](const EvidenceFile& file) {
    if (glob_match(pattern, file.relative_path)) found.push_back(file);
  });
  if (!ok) return std::move(ok).error();
  return found;
}

Result<void> Source::read_stream(const EvidenceFile& file, const ContentSink& sink) const {
  auto data = read(file);
  if (!data) return std::move(data).error();
  return sink(*data);
}

Result<std::vector<std::uint8_t>> Source::read_capped(const EvidenceFile& file, std::uint64_t limit) const {
  std::vector<std::uint8_t> data;
  auto ok = read_stream(file, [&](std::span<const std::uint8_t> piece) -> Result<void> {
    if (data.size() + piece.size() > limit) {
      return unexpected(ErrorCode::kLimitExceeded, fmt::format("over the {} MiB read limit: not read", limit >> 20U),
                        file.provenance());
    }
    data.insert(data.end(), piece.begin(), piece.end());
    return {};
  });
  if (!ok) return std::move(ok).error();
  return data;
}

Result<plist::Value> Source::read_plist(const EvidenceFile& file) const {
  auto data = read_capped(file, plist::kMaxInputBytes);
  if (!data) return std::move(data).error();
  return plist::parse(*data, file.provenance());
}

}  // namespace lumiere::sources
