// A private (0700) temporary folder under $TMPDIR, removed with its content when the object dies.
// Used only where SQLite needs a real file (WAL replay); the copy lives for milliseconds.
#pragma once

#include <filesystem>

#include "core/result.hpp"

namespace lumiere {

class PrivateTempDir {
 public:
  static Result<PrivateTempDir> create(const char* prefix = "lumiere");
  PrivateTempDir() = default;
  ~PrivateTempDir();
  PrivateTempDir(PrivateTempDir&& other) noexcept;
  PrivateTempDir& operator=(PrivateTempDir&& other) noexcept;
  PrivateTempDir(const PrivateTempDir&) = delete;
  PrivateTempDir& operator=(const PrivateTempDir&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }

 private:
  explicit PrivateTempDir(std::filesystem::path path) : path_(std::move(path)) {}
  void remove();
  std::filesystem::path path_;
};

}  // namespace lumiere
