#include "sources/detect.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <vector>

#include "core/plist.hpp"
#include "sources/archive.hpp"

namespace lumiere::sources {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kAndroidBackupMagic = "ANDROID BACKUP\n";

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string_view basename(std::string_view path) {
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  const auto slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

bool is_bugreport_text(std::string_view name) {
  return starts_with(name, "bugreport-") && ends_with(name, ".txt");
}

bool backup_encrypted(const fs::path& dir) {
  auto manifest = plist::parse_file(dir / "Manifest.plist", "Manifest.plist");
  if (!manifest) return false;
  const auto* flag = manifest->find("IsEncrypted");
  const auto* value = flag != nullptr ? flag->get_if<bool>() : nullptr;
  return value != nullptr && *value;
}

std::optional<DetectedEvidence> detect_ios_backup(const fs::path& dir) {
  auto looks_like = [](const fs::path& d) {
    return path_exists(d / "Manifest.db") || path_exists(d / "Manifest.plist");
  };
  if (looks_like(dir) && path_exists(dir / "Info.plist")) {
    return DetectedEvidence{EvidenceKind::kIosBackup, false, backup_encrypted(dir), "Manifest and Info.plist", {}};
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.is_directory(ec) && looks_like(entry.path()) && path_exists(entry.path() / "Info.plist")) {
      return DetectedEvidence{EvidenceKind::kIosBackup,
                              false,
                              backup_encrypted(entry.path()),
                              "a backup in the sub-folder " + entry.path().filename().string(),
                              {}};
    }
  }
  return std::nullopt;
}

// Names seen in a folder or archive, judged together.
struct Signs {
  bool ios_fs = false;
  bool sysdiagnose = false;
  bool bugreport = false;
  bool androidqf = false;
  bool ios_backup = false;
  std::string example;

  void see(std::string_view path) {
    while (starts_with(path, "./")) path.remove_prefix(2);
    const std::string_view name = basename(path);
    auto note = [&](bool& flag) {
      if (!flag) example = std::string(path);
      flag = true;
    };
    if (starts_with(path, "private/var/") || path.find("/private/var/") != std::string_view::npos ||
        starts_with(path, "var/mobile/")) {
      note(ios_fs);
    }
    if (starts_with(name, "sysdiagnose_") || name == "system_logs.logarchive" ||
        path.find("/system_logs.logarchive/") != std::string_view::npos) {
      note(sysdiagnose);
    }
    if (name == "main_entry.txt" || is_bugreport_text(name) || name == "dumpstate_board.txt") note(bugreport);
    if (name == "acquisition.json" || name == "getprop.txt" || name == "packages.json") note(androidqf);
    if (name == "Manifest.db" || name == "Manifest.plist") note(ios_backup);
  }

  [[nodiscard]] std::optional<DetectedEvidence> verdict(bool archive) const {
    // androidqf acquisitions hold a bugreport.zip and may hold text named like bugreports: test them first.
    if (androidqf) return DetectedEvidence{EvidenceKind::kAndroidQf, archive, false, example, {}};
    if (bugreport) return DetectedEvidence{EvidenceKind::kAndroidBugreport, archive, false, example, {}};
    if (sysdiagnose) return DetectedEvidence{EvidenceKind::kIosSysdiagnose, archive, false, example, {}};
    if (ios_fs) return DetectedEvidence{EvidenceKind::kIosFilesystem, archive, false, example, {}};
    return std::nullopt;
  }
};

std::optional<DetectedEvidence> detect_folder(const fs::path& dir) {
  if (auto backup = detect_ios_backup(dir)) return backup;
  Signs signs;
  std::error_code ec;
  if (starts_with(dir.filename().string(), "sysdiagnose_")) signs.see(dir.filename().string());
  // Two levels are enough: acquisitions keep their telling files at the top (or in one wrapping folder).
  for (fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
       !ec && it != end; it.increment(ec)) {
    if (it.depth() >= 2) it.disable_recursion_pending();
    std::error_code rel_ec;
    signs.see(fs::relative(it->path(), dir, rel_ec).generic_string());
    if (path_exists(dir / "private" / "var")) signs.see("private/var/");
  }
  return signs.verdict(false);
}

std::optional<DetectedEvidence> detect_archive(const fs::path& file, std::string& problem) {
  ArchivePtr reader = open_archive_file(file, problem);
  if (!reader) return std::nullopt;
  Signs signs;
  const std::string stem = file.filename().string();
  if (starts_with(stem, "sysdiagnose_")) signs.see(stem);
  if (starts_with(stem, "bugreport-") && ends_with(stem, ".zip")) signs.see("bugreport-x.txt");
  std::error_code ec;
  const std::uint64_t compressed = fs::file_size(file, ec);
  const std::uint64_t budget = decompression_budget(ec ? 0 : compressed);
  std::uint64_t declared = 0;  // sum of the members' declared sizes
  MemberChecks checks;
  std::vector<std::string> warnings;
  archive_entry* entry = nullptr;
  std::size_t listed = 0;
  int rc = ARCHIVE_OK;
  bool capped = false;
  while ((rc = archive_read_next_header(reader.get(), &entry)) == ARCHIVE_OK) {
    // Recognised within its first members: the archive source lists (and checks) the rest. Not recognised: go
    // on, so that neither a telling name nor a hostile member further down is missed.
    if (listed >= kMaxListedMembers && signs.verdict(true)) break;
    if (listed >= kMaxCheckedMembers) {
      capped = true;
      break;
    }
    if (const char* name = archive_entry_pathname(entry)) signs.see(name);
    checks.see(entry);
    if (archive_entry_size_is_set(entry) != 0 && archive_entry_size(entry) > 0) {
      declared += static_cast<std::uint64_t>(archive_entry_size(entry));
    }
    ++listed;
    // Skipping a member of a compressed stream decompresses it: stop before the budget is spent.
    const auto decompressed =
        static_cast<std::uint64_t>(std::max<la_int64_t>(archive_filter_bytes(reader.get(), 0), 0));
    if (decompressed + static_cast<std::uint64_t>(std::max<la_int64_t>(archive_entry_size(entry), 0)) > budget) {
      warnings.push_back(
          fmt::format("listing stopped after {} member(s): the archive expands beyond {} MiB, over "
                      "{}x its size (a possible decompression bomb)",
                      listed, budget >> 20U, kMaxCompressionRatio));
      rc = ARCHIVE_EOF;
      break;
    }
    archive_read_data_skip(reader.get());
  }
  if (listed == 0 && rc != ARCHIVE_EOF) {
    problem = archive_problem(reader.get(), "unreadable");
    return std::nullopt;
  }
  if (capped) {
    warnings.push_back(
        fmt::format("listing stopped after {} members (the member limit): the rest of the archive "
                    "was not looked at",
                    listed));
  } else if (rc != ARCHIVE_EOF && rc != ARCHIVE_OK) {
    warnings.push_back(
        fmt::format("the archive is damaged after member {}: {}", listed, archive_problem(reader.get(), "unreadable")));
  }
  if (declared > budget && warnings.empty()) {
    warnings.push_back(
        fmt::format("its members declare {} MiB in all, over {}x the archive's size (a possible "
                    "decompression bomb; nothing is extracted)",
                    declared >> 20U, kMaxCompressionRatio));
  }
  checks.report(warnings);
  if (listed == 0) problem = "an empty archive";
  auto found = signs.verdict(true);
  if (found) {
    found->warnings = std::move(warnings);
  } else {
    for (const auto& warning : warnings) problem += (problem.empty() ? "" : "; ") + warning;
  }
  return found;
}

}  // namespace

std::string_view to_string(EvidenceKind kind) noexcept {
  switch (kind) {
    case EvidenceKind::kIosBackup: return "iOS backup";
    case EvidenceKind::kIosFilesystem: return "iOS filesystem dump";
    case EvidenceKind::kIosSysdiagnose: return "iOS sysdiagnose";
    case EvidenceKind::kAndroidBugreport: return "Android bugreport";
    case EvidenceKind::kAndroidQf: return "androidqf acquisition";
    case EvidenceKind::kAndroidBackup: return "Android backup (.ab)";
  }
  return "evidence";
}

std::string_view recognised_inputs() noexcept {
  return "an iTunes/Finder iOS backup folder (plain or encrypted), an iOS filesystem dump (folder, .tar or .zip), "
         "a sysdiagnose (.tar.gz or folder), an Android bugreport (.zip or folder), an androidqf acquisition "
         "(folder or .zip) or an Android backup (.ab)";
}

Result<DetectedEvidence> detect_evidence(const fs::path& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return unexpected(ErrorCode::kNotFound, "no such file or folder", path.string());
  std::string problem;
  if (is_dir(path)) {
    if (auto found = detect_folder(path)) return *found;
  } else if (fs::is_regular_file(path, ec)) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, kAndroidBackupMagic.size()> head{};
    in.read(head.data(), head.size());
    if (std::string_view(head.data(), static_cast<std::size_t>(in.gcount())) == kAndroidBackupMagic) {
      return DetectedEvidence{EvidenceKind::kAndroidBackup, true, false, "ANDROID BACKUP header", {}};
    }
    if (auto found = detect_archive(path, problem)) return *found;
  } else {
    problem = "neither a regular file nor a folder";
  }
  return unexpected(ErrorCode::kInvalidArgument,
                    fmt::format("not recognised as evidence{}. lumiere recognises {}",
                                problem.empty() ? "" : " (" + problem + ")", recognised_inputs()),
                    path.string());
}

}  // namespace lumiere::sources
