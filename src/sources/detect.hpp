// What kind of evidence a path is, from its shape alone (no module runs): an iOS backup (plain or encrypted),
// an iOS filesystem dump (folder, tar, zip), a sysdiagnose (.tar.gz or folder), an Android bugreport (.zip or
// folder), an androidqf acquisition (folder or zip) or an Android backup (.ab). Archives are only listed
// (bounded), never extracted.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::sources {

enum class EvidenceKind {
  kIosBackup,
  kIosFilesystem,
  kIosSysdiagnose,
  kAndroidBugreport,
  kAndroidQf,
  kAndroidBackup,
};

struct DetectedEvidence {
  EvidenceKind kind = EvidenceKind::kIosBackup;
  bool archive = false;    // a zip or tar rather than a folder
  bool encrypted = false;  // iOS backup: Manifest.plist IsEncrypted
  std::string reason;      // what made us recognise it, for the log
  // What is hostile or suspicious in the input itself (an archive member with an absolute or `..` path, a
  // symlink leading out of the archive, a decompression bomb), one sentence each; the run goes on.
  std::vector<std::string> warnings;
};

// Limits on listing an archive (it is never extracted): members listed, and bytes decompressed while
// skipping over members, at most max(kMinDecompressedBudget, kMaxCompressionRatio × the file's size).
// Recognition stops after kMaxListedMembers once the archive is recognised; an archive not recognised by then
// is listed on, up to kMaxCheckedMembers (reaching it is reported), so that no hostile member goes unnamed.
inline constexpr std::size_t kMaxListedMembers = 5000;
inline constexpr std::size_t kMaxCheckedMembers = 2'000'000;
inline constexpr std::uint64_t kMaxCompressionRatio = 100;
inline constexpr std::uint64_t kMinDecompressedBudget = 256ULL << 20U;

// Human name: "iOS backup", "Android bugreport", ...
std::string_view to_string(EvidenceKind kind) noexcept;

// kInvalidArgument with the list of what lumiere recognises when the path is none of these; kNotFound when it
// does not exist.
Result<DetectedEvidence> detect_evidence(const std::filesystem::path& path);

// The sentence listing what `scan` recognises.
std::string_view recognised_inputs() noexcept;

}  // namespace lumiere::sources
