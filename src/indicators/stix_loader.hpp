// STIX2 file loading (spec §4.1 with product.md's divergences): bundles or bare object lists, collections
// from malware and report objects, indicators attached through report object_refs or relationships, patterns
// parsed by stix_pattern.hpp. A broken file yields a FileReport error; a broken indicator is counted.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "indicators/indicator_set.hpp"

namespace lumiere::ioc {

// Refuse to read larger files: the biggest public IOC file is a few MiB.
inline constexpr std::uintmax_t kMaxStixFileSize = 512ULL * 1024 * 1024;

// One file's worth of collections and indicators, before merging into an IndicatorSet.
struct ParsedFile {
  FileReport report;
  std::vector<Collection> collections;
  std::vector<Indicator> indicators;  // deduplicated per collection; collection order then document order
};

// Parses STIX2 JSON text. `path` is recorded as given (stix2_file_path) and its basename as stix2_file_name.
ParsedFile parse_stix2_text(std::string_view json_text, const std::string& path);

// Reads and parses a file; I/O failures become report.error.
ParsedFile parse_stix2_file(const std::filesystem::path& path);

// Normalises a pattern value the way matching expects for `kind` (domains/emails lowercased, IDN to
// punycode, IPs canonical...). Returns the value to store; `problem` is set when the value cannot match.
std::string normalise_indicator_value(Kind kind, std::string_view value, std::string* problem);

// Merges parsed files, in order, into one immutable set (e.g. from parse_stix2_text in tests or the demo).
IndicatorSet build_indicator_set(std::vector<ParsedFile> files);

// Loads explicit files in order into one set (no environment, no user data folder: see loader.hpp).
IndicatorSet load_stix2_files(const std::vector<std::filesystem::path>& files);

}  // namespace lumiere::ioc
