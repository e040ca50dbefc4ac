#include "sources/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include <algorithm>

#include "sources/detect.hpp"

namespace lumiere::sources {
namespace {

ArchivePtr new_reader() {
  ArchivePtr reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_zip(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  return reader;
}

}  // namespace

void ArchiveDeleter::operator()(archive* a) const {
  archive_read_free(a);
}

std::string archive_problem(archive* reader, std::string_view fallback) {
  const char* text = reader != nullptr ? archive_error_string(reader) : nullptr;
  return text != nullptr ? std::string(text) : std::string(fallback);
}

ArchivePtr open_archive_file(const std::filesystem::path& file, std::string& problem) {
  ArchivePtr reader = new_reader();
  constexpr std::size_t kBlock = 65536;
  if (archive_read_open_filename(reader.get(), file.c_str(), kBlock) != ARCHIVE_OK) {
    problem = archive_problem(reader.get(), "not an archive");
    return nullptr;
  }
  return reader;
}

ArchivePtr open_archive_memory(std::span<const std::uint8_t> bytes, std::string& problem) {
  ArchivePtr reader = new_reader();
  if (archive_read_open_memory(reader.get(), bytes.data(), bytes.size()) != ARCHIVE_OK) {
    problem = archive_problem(reader.get(), "not an archive");
    return nullptr;
  }
  return reader;
}

std::uint64_t decompression_budget(std::uint64_t archive_bytes) {
  return decompression_budget(archive_bytes, kMinDecompressedBudget, kMaxCompressionRatio);
}

std::uint64_t decompression_budget(std::uint64_t archive_bytes, std::uint64_t min_budget, std::uint64_t ratio) {
  return std::max(min_budget, ratio * archive_bytes);
}

bool member_path_escapes(std::string_view name) {
  if (name.empty()) return false;
  if (name.front() == '/' || name.front() == '\\') return true;
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find_first_of("/\\", start), name.size());
    if (name.substr(start, end - start) == "..") return true;
    start = end + 1;
  }
  return false;
}

bool link_climbs_out(std::string_view member, std::string_view target) {
  int depth = 0;
  for (std::size_t i = 0; i < member.size(); ++i) {
    if (member[i] == '/' && i + 1 < member.size()) ++depth;
  }
  std::size_t start = 0;
  while (start <= target.size()) {
    const std::size_t end = std::min(target.find('/', start), target.size());
    const std::string_view step = target.substr(start, end - start);
    if (step == "..") {
      if (--depth < 0) return true;
    } else if (!step.empty() && step != ".") {
      ++depth;
    }
    start = end + 1;
  }
  return false;
}

void MemberChecks::see(archive_entry* entry) {
  const char* name = archive_entry_pathname(entry);
  const std::string_view member = name != nullptr ? name : "";
  if (member_path_escapes(member)) note(unsafe_paths_, first_unsafe_path_, member);
  if (archive_entry_filetype(entry) == AE_IFLNK) {
    const char* target = archive_entry_symlink(entry);
    const std::string_view link = target != nullptr ? target : "";
    // A relative target is resolved from the member's folder: count the folders it climbs out of.
    if (member_path_escapes(link) || link_climbs_out(member, link))
      note(unsafe_links_, first_unsafe_link_, std::string(member) + " -> " + std::string(link));
  }
  if (const char* hard = archive_entry_hardlink(entry); hard != nullptr && member_path_escapes(hard)) {
    note(unsafe_links_, first_unsafe_link_, std::string(member) + " => " + hard);
  }
}

void MemberChecks::report(std::vector<std::string>& warnings) const {
  if (unsafe_paths_ > 0) {
    warnings.push_back(
        fmt::format("{} member(s) with an absolute or '..' path, e.g. \"{}\" (never extracted; "
                    "an archive built to write outside its folder)",
                    unsafe_paths_, first_unsafe_path_));
  }
  if (unsafe_links_ > 0) {
    warnings.push_back(fmt::format("{} link(s) pointing outside the archive, e.g. \"{}\" (never followed)",
                                   unsafe_links_, first_unsafe_link_));
  }
}

void MemberChecks::note(std::size_t& count, std::string& first, std::string_view what) {
  constexpr std::size_t kShown = 200;
  if (count++ == 0) first = std::string(what.substr(0, kShown));
}

}  // namespace lumiere::sources
