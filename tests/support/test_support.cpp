#include "support/test_support.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/hash.hpp"

namespace lumiere::test {

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "lumiere-test-XXXXXX").string();
  std::vector<char> buffer(tmpl.begin(), tmpl.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buffer.data();
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
  std::filesystem::remove_all(path_, ec);
}

std::filesystem::path shared_iocs_dir() {
  return std::filesystem::path(LUMIERE_SHARED_DIR) / "iocs";
}
std::filesystem::path tests_dir() {
  return std::filesystem::path(LUMIERE_TESTS_DIR);
}
std::filesystem::path lumiere_binary() {
  return std::filesystem::path(LUMIERE_BINARY);
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::filesystem::path& file, const std::string& content) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << content;
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::map<std::string, std::string> hash_tree(const std::filesystem::path& root) {
  std::map<std::string, std::string> result;
  if (std::filesystem::is_regular_file(root)) {
    result[""] = hash::sha256_hex(read_file(root));
    return result;
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    const auto rel = std::filesystem::relative(entry.path(), root).string();
    if (entry.is_symlink()) {
      result[rel] = "symlink:" + std::filesystem::read_symlink(entry.path()).string();
    } else if (entry.is_regular_file()) {
      // A sparse multi-GB file (a hostile case) is compared by size and time, not read into memory.
      constexpr std::uintmax_t kHashedBytes = 64U << 20U;
      const auto size = entry.file_size();
      result[rel] = size > kHashedBytes
                        ? "size:" + std::to_string(size) +
                              " mtime:" + std::to_string(entry.last_write_time().time_since_epoch().count())
                        : hash::sha256_hex(read_file(entry.path()));
    } else if (entry.is_directory()) {
      result[rel] = "dir";
    }
  }
  return result;
}

EvidenceGuard::EvidenceGuard(std::vector<std::filesystem::path> inputs) : inputs_(std::move(inputs)) {
  for (const auto& input : inputs_) before_.push_back(hash_tree(input));
}

EvidenceGuard::~EvidenceGuard() {
  for (std::size_t i = 0; i < inputs_.size(); ++i) {
    if (hash_tree(inputs_[i]) != before_[i]) {
      ADD_FAILURE() << "evidence changed, or a file was created in it: " << inputs_[i];
    }
  }
}

int run_command(const std::string& command, std::string* output) {
  const std::string full = command + " 2>&1";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(full.c_str(), "r"), pclose);
  if (!pipe) return -1;
  std::string captured;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe.get())) > 0) captured.append(buffer.data(), n);
  const int status = pclose(pipe.release());
  if (output != nullptr) *output = std::move(captured);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace lumiere::test
