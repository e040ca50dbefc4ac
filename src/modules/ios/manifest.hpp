#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// MBFile metadata of one Manifest.db row (times in `iso`).
struct ManifestMetadata {
  std::string created;
  std::string modified;
  std::string status_changed;
  std::string mode;  // Python oct(): "0o100644"
  std::int64_t owner = 0;
  std::int64_t size = 0;
};

struct ManifestRecord {
  std::string file_id;
  std::string domain;
  std::string relative_path;
  std::int64_t flags = 0;
  std::optional<ManifestMetadata> metadata;  // absent when the blob is missing or undecodable
  std::string metadata_problem;              // why the `file` blob could not be (fully) decoded
};

// Every row of the Files table. Fails with kUnsupported when the table or a needed column is missing.
Result<std::vector<ManifestRecord>> parse_manifest(const sqlite::Database& manifest);

// MVT's MACB string for one timestamp of a record: "M-CB" style.
std::string macb(const ManifestMetadata& metadata, const std::string& timestamp);

}  // namespace lumiere::modules::ios
