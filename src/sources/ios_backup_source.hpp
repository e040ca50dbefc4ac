// An iTunes/Finder backup as a Source: locations answered by Manifest.db (or by file ID when Manifest.db is
// unusable), content decrypted in memory for an encrypted backup. Does not own the backup.
#pragma once

#include "sources/ios_backup.hpp"
#include "sources/source.hpp"

namespace lumiere::sources {

class IosBackupSource final : public Source {
 public:
  explicit IosBackupSource(const IosBackup& backup) : backup_(backup) {}

  [[nodiscard]] EvidenceKind kind() const override { return EvidenceKind::kIosBackup; }
  [[nodiscard]] std::string not_found_reason() const override;
  [[nodiscard]] Result<std::vector<EvidenceFile>> locate(std::optional<std::string_view> domain,
                                                         std::string_view relative_path,
                                                         std::vector<SourceNote>& notes) const override;
  [[nodiscard]] Result<void> for_each_file(const std::function<void(const EvidenceFile&)>& visit) const override;
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const EvidenceFile& file) const override;
  [[nodiscard]] Result<std::vector<std::uint8_t>> read_capped(const EvidenceFile& file,
                                                              std::uint64_t limit) const override;
  [[nodiscard]] Result<void> read_stream(const EvidenceFile& file, const ContentSink& sink) const override;
  [[nodiscard]] Result<sqlite::Database> open_database(const EvidenceFile& file) const override;
  [[nodiscard]] const IosBackup* ios_backup() const override { return &backup_; }

 private:
  const IosBackup& backup_;
};

}  // namespace lumiere::sources
