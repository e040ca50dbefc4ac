// Where indicators come from (spec §4.5, adapted): explicit -i paths, the user data folder filled by
// `lumiere iocs update`, and the LUMIERE_IOCS environment variable, all cumulative, each file once.
#pragma once

#include <filesystem>
#include <vector>

#include "indicators/indicator_set.hpp"

namespace lumiere::ioc {

inline constexpr const char* kIocsEnvironmentVariable = "LUMIERE_IOCS";

struct IndicatorSources {
  std::vector<std::filesystem::path> paths;  // -i PATH: a file (any extension) or a folder (recursive)
  bool use_environment = true;               // LUMIERE_IOCS, ':'-separated files or folders
  bool use_user_data = true;                 // user_indicators_dir()
};

// $XDG_DATA_HOME/lumiere, else ~/.local/share/lumiere.
std::filesystem::path user_data_dir();
// user_data_dir()/indicators: where `iocs update` stores files and from where they load automatically.
std::filesystem::path user_indicators_dir();

// A file inside a scanned folder is loaded when it ends in .stix2, or in .json and its first 64 KiB look
// like STIX (a "bundle", "spec_version" or "pattern" key), so MISP and other JSON next to it are skipped.
bool is_stix2_candidate(const std::filesystem::path& file);

// The files that load_indicators() would read, in order: explicit paths, then the user data folder, then
// LUMIERE_IOCS (MVT's order: --iocs, downloaded indicators, MVT_STIX2). Folders are scanned recursively
// and sorted; a file reached twice (through another path or a symlink) is listed once. Paths that do not
// exist are listed too, so that loading reports them.
std::vector<std::filesystem::path> indicator_files(const IndicatorSources& sources);

// Loads everything. Never fails as a whole: a missing or broken file is a FileReport with an error and
// the other files still load. The set is immutable and safe to share between threads.
IndicatorSet load_indicators(const IndicatorSources& sources);

}  // namespace lumiere::ioc
