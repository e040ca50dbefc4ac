// Where indicators come from (spec §4.5, adapted): explicit -i paths, the user data folder filled by
// `lumiere iocs update`, the LUMIERE_IOCS environment variable, and MVT's own places (its downloaded-indicator
// folder and MVT_STIX2) so that an MVT user's set-up keeps working; all cumulative, each file once.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "indicators/indicator_set.hpp"

namespace lumiere::ioc {

inline constexpr const char* kIocsEnvironmentVariable = "LUMIERE_IOCS";
inline constexpr const char* kMvtIocsEnvironmentVariable = "MVT_STIX2";

struct IndicatorSources {
  std::vector<std::filesystem::path> paths;  // -i PATH: a file (any extension) or a folder (recursive)
  bool use_environment = true;               // LUMIERE_IOCS and MVT_STIX2, ':'-separated files or folders
  bool use_user_data = true;                 // user_indicators_dir() and mvt_indicators_dir()
};

// The files to load, and what was noticed while listing them (an MVT_STIX2 entry that is not a .stix2
// file, a configured folder that holds no indicator file), for the run's log.
struct IndicatorFileList {
  std::vector<std::filesystem::path> files;
  std::vector<std::string> notes;
};

// $XDG_DATA_HOME/lumiere, else ~/.local/share/lumiere.
std::filesystem::path user_data_dir();
// user_data_dir()/indicators: where `iocs update` stores files and from where they load automatically.
std::filesystem::path user_indicators_dir();
// MVT's downloaded-indicator folder: $XDG_DATA_HOME/mvt/indicators, else ~/.local/share/mvt/indicators.
// Its *.stix2 files load automatically, as MVT loads them.
std::filesystem::path mvt_indicators_dir();

// A file inside a scanned folder is loaded when it ends in .stix2, or in .json and its first 64 KiB look
// like STIX (a "bundle", "spec_version" or "pattern" key), so MISP and other JSON next to it are skipped.
bool is_stix2_candidate(const std::filesystem::path& file);

// The files that load_indicators() would read, in order: explicit paths, then lumiere's and MVT's
// downloaded-indicator folders, then LUMIERE_IOCS and MVT_STIX2 (MVT's order: --iocs, downloaded indicators,
// MVT_STIX2). Folders are scanned recursively and sorted; a file reached twice (through another path or a
// symlink) is listed once. Paths that do not exist are listed too, so that loading reports them. As MVT
// does, a file named in MVT_STIX2 must end in .stix2 and MVT's folders are searched for *.stix2 only.
IndicatorFileList list_indicator_files(const IndicatorSources& sources);
std::vector<std::filesystem::path> indicator_files(const IndicatorSources& sources);

// Indicator files older than this are outdated: newer attacks may be missed (MVT also warns).
inline constexpr int kIndicatorsOutdatedDays = 30;

// A warning when the newest of `files` (by modification time, i.e. when it was downloaded or written) is
// older than kIndicatorsOutdatedDays at `now`; nothing when one is recent or none can be dated.
std::optional<std::string> outdated_indicators_warning(const std::vector<std::string>& files,
                                                       std::chrono::system_clock::time_point now);

// Loads everything. Never fails as a whole: a missing or broken file is a FileReport with an error and
// the other files still load. The set is immutable and safe to share between threads.
IndicatorSet load_indicators(const IndicatorSources& sources);

}  // namespace lumiere::ioc
