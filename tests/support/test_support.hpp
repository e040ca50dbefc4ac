// Helpers shared by every test binary: temporary folders, paths to the real public IOC files, tree hashes.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lumiere::test {

// A fresh private folder, removed with everything in it when the object dies.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  TempDir(TempDir&&) = delete;
  TempDir& operator=(TempDir&&) = delete;
  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// ../shared/iocs (real public STIX2 files; read there, never copied into the repository).
std::filesystem::path shared_iocs_dir();
// tests/ in the source tree.
std::filesystem::path tests_dir();
// The built `lumiere` binary.
std::filesystem::path lumiere_binary();

std::string read_file(const std::filesystem::path& file);
void write_file(const std::filesystem::path& file, const std::string& content);

// relative path -> SHA-256 of every regular file under root (symlinks recorded, not followed). A root that is
// a file gives one entry, "".
std::map<std::string, std::string> hash_tree(const std::filesystem::path& root);

// Evidence integrity for end-to-end tests: hashes every input (folders, archives, IOC files) when made and
// again when destroyed; any difference, or a file created next to them, fails the test.
class EvidenceGuard {
 public:
  explicit EvidenceGuard(std::vector<std::filesystem::path> inputs);
  ~EvidenceGuard();
  EvidenceGuard(const EvidenceGuard&) = delete;
  EvidenceGuard& operator=(const EvidenceGuard&) = delete;
  EvidenceGuard(EvidenceGuard&&) = delete;
  EvidenceGuard& operator=(EvidenceGuard&&) = delete;

 private:
  std::vector<std::filesystem::path> inputs_;
  std::vector<std::map<std::string, std::string>> before_;
};

// Runs a shell command; returns its exit status and captures stdout+stderr into `output`.
int run_command(const std::string& command, std::string* output = nullptr);

}  // namespace lumiere::test
