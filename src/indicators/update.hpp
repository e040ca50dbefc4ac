// `lumiere iocs update`: downloads the mvt-indicators index (spec §4.6) and every file it lists into the
// user data folder, where they load automatically. Atomic replacement: a failed download keeps the copy
// from the previous update.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere::ioc {

inline constexpr const char* kDefaultIndexUrl =
    "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/indicators.yaml";
// Unix seconds of the last update that downloaded at least one file, and of the last attempt (MVT's names).
inline constexpr const char* kLastUpdateFile = "latest_indicators_update";
inline constexpr const char* kLastCheckFile = "latest_indicators_check";

struct IndexEntry {
  std::string name;
  std::string type;  // "github" or anything else (then download_url is used)
  std::string url;   // the file to download
};

struct IndexParse {
  std::vector<IndexEntry> entries;
  std::vector<std::string> problems;  // entries that were skipped, with their position in the index
};

// Parses an indicators.yaml index: `indicators:` list; github entries {owner, repo, branch=main, path} give
// https://raw.githubusercontent.com/{owner}/{repo}/{branch}/{path}; other types use download_url.
Result<IndexParse> parse_index(std::string_view yaml_text);

// MVT's file name for a downloaded URL: url.lstrip("https://") (a character set, not a prefix) with '/'
// replaced by '_'. lumiere adds ".stix2" when the name does not end in .stix2 or .json, so that the file
// is picked up by the loader, and keeps names that cannot escape the folder.
std::string download_file_name(std::string_view url);

// Writes `content` to a temporary file in target's folder, flushes it, then renames it over `target`.
Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view content);

struct UpdateOptions {
  std::string index_url = kDefaultIndexUrl;
  std::filesystem::path data_dir;  // stamps go here, files into data_dir/"indicators"
  std::chrono::milliseconds timeout{15000};
};

struct DownloadOutcome {
  std::string name;  // the index entry's name
  std::string url;
  std::filesystem::path file;  // where it is (or would have been) stored
  std::optional<Error> error;  // failed: the previous copy, if any, is kept
};

struct UpdateReport {
  std::optional<Error> index_error;  // the index itself could not be fetched or parsed
  std::vector<std::string> index_problems;
  std::vector<DownloadOutcome> downloads;
  [[nodiscard]] bool ok() const noexcept;  // index fetched and every listed file downloaded
};

UpdateReport update_indicators(const UpdateOptions& options);

// Contents of a stamp file (kLastUpdateFile/kLastCheckFile) in data_dir, if present and valid.
std::optional<std::int64_t> read_stamp(const std::filesystem::path& data_dir, const char* stamp_name);

}  // namespace lumiere::ioc
