#include "sources/ios_backup_source.hpp"

#include <fmt/core.h>

namespace lumiere::sources {

std::string IosBackupSource::not_found_reason() const {
  auto manifest = backup_.manifest();
  if (!manifest) return fmt::format("not found by file ID, and Manifest.db is unusable ({})", manifest.error().message);
  return "not in the backup";
}

Result<std::vector<EvidenceFile>> IosBackupSource::locate(std::optional<std::string_view> domain,
                                                          std::string_view relative_path,
                                                          std::vector<SourceNote>& notes) const {
  auto manifest = backup_.manifest();
  if (!manifest && manifest.error().code == ErrorCode::kEncrypted) return std::move(manifest).error();
  bool by_file_id = !manifest;
  std::string unusable = manifest ? std::string() : manifest.error().message;
  const bool exact = domain && relative_path.find('*') == std::string_view::npos;
  // Only Manifest.db can answer a query by path alone.
  if (by_file_id && !exact) return std::vector<EvidenceFile>{};
  auto files = backup_.query(domain, relative_path);
  if (!files && exact && files.error().code != ErrorCode::kEncrypted) {
    // A query that fails midway (a damaged page) is no reason to miss an artifact at a fixed place.
    unusable = "its query failed: " + files.error().message;
    by_file_id = true;
    files = backup_.find_by_file_id(*domain, relative_path);
  }
  if (!files) return std::move(files).error();
  std::vector<EvidenceFile> found;
  for (auto& file : *files) {
    if (file.flags == 2) continue;  // directories have no content
    if (auto status = backup_.blob_status(file); !status) {
      if (status.error().code == ErrorCode::kNotFound) {
        notes.push_back(
            {WarningKind::kMissing, file.provenance(),
             fmt::format("listed in Manifest.db (file ID {}) but its file is missing from the backup", file.file_id)});
      } else {
        // A link (to a file anywhere, inside or outside the backup), a folder, a FIFO, a device or a socket.
        notes.push_back({WarningKind::kCorrupt, file.provenance(),
                         fmt::format("listed in Manifest.db (file ID {}) but what the backup holds under that ID is "
                                     "not a regular file (a folder, a link or a special file): {}",
                                     file.file_id, status.error().message)});
      }
      continue;
    }
    if (by_file_id) {
      notes.push_back({WarningKind::kNote, file.provenance(),
                       fmt::format("Manifest.db is unusable ({}); this file was found by its file ID, SHA-1 of "
                                   "\"domain-relativePath\", and files found only through Manifest.db were not "
                                   "analysed",
                                   unusable)});
    }
    found.push_back(std::move(file));
  }
  return found;
}

Result<void> IosBackupSource::for_each_file(const std::function<void(const EvidenceFile&)>& visit) const {
  auto files = backup_.query(std::nullopt, "*");
  if (!files) return std::move(files).error();
  for (const auto& file : *files) {
    if (file.flags != 2) visit(file);
  }
  return {};
}

Result<std::vector<std::uint8_t>> IosBackupSource::read(const EvidenceFile& file) const {
  return backup_.read(file);
}

Result<std::vector<std::uint8_t>> IosBackupSource::read_capped(const EvidenceFile& file, std::uint64_t limit) const {
  return backup_.read(file, limit);
}

Result<void> IosBackupSource::read_stream(const EvidenceFile& file, const ContentSink& sink) const {
  return backup_.read_stream(file, sink);
}

Result<sqlite::Database> IosBackupSource::open_database(const EvidenceFile& file) const {
  return backup_.open_database(file);
}

}  // namespace lumiere::sources
