// What every module reads evidence through: an iOS backup (plain, or encrypted and decrypted in memory), a
// folder tree (a filesystem dump, an extracted acquisition) or a tar / tar.gz / zip read in place (nested
// archives included). A module asks for a backup location, a glob over logical paths or a query over the
// listing, and reads the files it gets as bytes, a stream, a plist or a read-only SQLite handle; the same
// sms.db module runs unchanged on a backup and on a dump (sources/ios_paths.hpp maps one to the other).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/plist.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "framework/events.hpp"
#include "sources/detect.hpp"
#include "sources/evidence_file.hpp"

namespace lumiere::sources {

class IosBackup;

// Something a module should pass on as a warning while locating its files.
struct SourceNote {
  WarningKind kind = WarningKind::kNote;
  std::string path;
  std::string message;
};

class Source {
 public:
  Source() = default;
  virtual ~Source() = default;
  Source(const Source&) = delete;
  Source& operator=(const Source&) = delete;
  Source(Source&&) = delete;
  Source& operator=(Source&&) = delete;

  [[nodiscard]] virtual EvidenceKind kind() const = 0;
  // "not in the backup", "not in the filesystem dump": how a module's kNotFound says it.
  [[nodiscard]] virtual std::string not_found_reason() const = 0;

  // Files at a backup location: `domain` (std::nullopt: any domain) + relative path, '*' matching any run of
  // characters ('/' included, as MVT's Manifest.db LIKE). Only a backup answers; other sources return an
  // empty list (their modules ask by glob, through ios_paths.hpp). Problems worth a warning (a listed file
  // that is missing or is not a regular file, a fallback in use) go to `notes`, in order. kEncrypted: an
  // encrypted backup without its key.
  [[nodiscard]] virtual Result<std::vector<EvidenceFile>> locate(std::optional<std::string_view> domain,
                                                                 std::string_view relative_path,
                                                                 std::vector<SourceNote>& notes) const;
  // Regular files whose logical path matches `pattern` (glob_match), in listing order. Entries that match but
  // were refused while listing (a link, a special file, a hostile archive member) go to `notes`, each naming
  // the file and why it was not read.
  [[nodiscard]] virtual Result<std::vector<EvidenceFile>> glob(std::string_view pattern,
                                                               std::vector<SourceNote>& notes) const;
  // Every regular file of the evidence, in a stable order (a query over the listing).
  [[nodiscard]] virtual Result<void> for_each_file(const std::function<void(const EvidenceFile&)>& visit) const = 0;

  // Whole content, bounded (kLimitExceeded beyond the source's limit).
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read(const EvidenceFile& file) const = 0;
  // At most `limit` bytes: kLimitExceeded, from the size on disk where the source knows it before reading.
  [[nodiscard]] virtual Result<std::vector<std::uint8_t>> read_capped(const EvidenceFile& file,
                                                                      std::uint64_t limit) const;
  // The same in pieces (large files are never held whole where the source can avoid it).
  [[nodiscard]] virtual Result<void> read_stream(const EvidenceFile& file, const ContentSink& sink) const;
  // Read capped at plist::kMaxInputBytes, then parsed.
  [[nodiscard]] Result<plist::Value> read_plist(const EvidenceFile& file) const;
  // Opened read-only, not yet probed (a damaged file still opens so that its readable part can be salvaged).
  // A file that is not on disk as itself (encrypted, in an archive) is opened from memory; a `-wal` beside a
  // database is replayed in memory or in a private copy, never next to the evidence.
  [[nodiscard]] virtual Result<sqlite::Database> open_database(const EvidenceFile& file) const = 0;

  // What was refused or looked hostile while listing the evidence (links, special files, archive members
  // with `..` or absolute paths, hard links, a cap reached), one sentence each naming the file.
  [[nodiscard]] virtual std::vector<std::string> listing_warnings() const { return {}; }
  // The backup behind this source, for the few modules that read what only a backup has (Info.plist,
  // Manifest.db itself); nullptr for any other source.
  [[nodiscard]] virtual const IosBackup* ios_backup() const { return nullptr; }
};

// Python-glob-like match of a logical path: '*' and '?' stay within one path component, "[...]" is not
// special; a "**" component matches any number of components (none included). Case-sensitive.
bool glob_match(std::string_view pattern, std::string_view path);

// A database read into memory, with its `-wal` (when there is one) replayed in memory, opened read-only. A WAL
// that SQLite itself would ignore (bad header or checksum) is ignored.
Result<sqlite::Database> open_database_image(std::vector<std::uint8_t> image, const std::vector<std::uint8_t>* wal,
                                             const std::string& display_path);

}  // namespace lumiere::sources
