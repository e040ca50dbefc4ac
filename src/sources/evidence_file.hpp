// One file of the evidence as a module sees it, whatever the source.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace lumiere::sources {

// In a backup: its file ID, domain and relative path. In a folder or an archive: `file_id` and
// `relative_path` are the logical path from the root of the evidence ("private/var/mobile/Library/SMS/sms.db"),
// `domain` is empty.
struct EvidenceFile {
  std::string file_id;
  std::string domain;
  std::string relative_path;
  std::int64_t flags = 0;              // backup: 1 file, 2 directory, 4 symlink
  std::vector<std::uint8_t> metadata;  // backup: the Manifest.db `file` blob (NSKeyedArchiver MBFile)

  // Where the record came from, as an analyst names it: "<domain>/<relativePath>" in a backup, the logical
  // path elsewhere. Never an absolute path of the examiner's machine.
  [[nodiscard]] std::string provenance() const;
  // Where the file's content lives inside the evidence: "<id[0:2]>/<id>" in a backup, the logical path
  // elsewhere (MVT's `safari_history_db`).
  [[nodiscard]] std::string stored_path() const;
};

// Receives content (decrypted where it was encrypted) piece by piece; an error stops the stream.
using ContentSink = std::function<Result<void>(std::span<const std::uint8_t>)>;

}  // namespace lumiere::sources
