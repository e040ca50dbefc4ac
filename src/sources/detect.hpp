// What kind of evidence a path is, from its shape alone (no module runs): an iOS backup (plain or encrypted),
// an iOS filesystem dump (folder, tar, zip), a sysdiagnose (.tar.gz or folder), an Android bugreport (.zip or
// folder), an androidqf acquisition (folder or zip) or an Android backup (.ab). Archives are only listed
// (bounded), never extracted.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

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
};

// Human name: "iOS backup", "Android bugreport", ...
std::string_view to_string(EvidenceKind kind) noexcept;

// kInvalidArgument with the list of what lumiere recognises when the path is none of these; kNotFound when it
// does not exist.
Result<DetectedEvidence> detect_evidence(const std::filesystem::path& path);

// The sentence listing what `scan` recognises.
std::string_view recognised_inputs() noexcept;

}  // namespace lumiere::sources
