#include "core/temp_dir.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

namespace lumiere {

Result<PrivateTempDir> PrivateTempDir::create(const char* prefix) {
  std::error_code ec;
  const auto base = std::filesystem::temp_directory_path(ec);
  if (ec) return unexpected(ErrorCode::kIo, "no temporary directory: " + ec.message());
  std::string tmpl = (base / (std::string(prefix) + "-XXXXXX")).string();
  std::vector<char> buffer(tmpl.begin(), tmpl.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {
    return unexpected(ErrorCode::kIo, std::string("cannot create a temporary folder: ") + std::strerror(errno), tmpl);
  }
  return PrivateTempDir(std::filesystem::path(buffer.data()));
}

PrivateTempDir::~PrivateTempDir() {
  remove();
}

PrivateTempDir::PrivateTempDir(PrivateTempDir&& other) noexcept : path_(std::move(other.path_)) {
  other.path_.clear();
}

PrivateTempDir& PrivateTempDir::operator=(PrivateTempDir&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void PrivateTempDir::remove() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  path_.clear();
}

}  // namespace lumiere
