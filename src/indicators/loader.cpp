#include "indicators/loader.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string_view>

#include "indicators/stix_loader.hpp"

namespace lumiere::ioc {
namespace {

constexpr std::size_t kSniffBytes = std::size_t{64} * 1024;

std::string lowercase_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  for (char& c : ext) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return ext;
}

std::filesystem::path home_dir() {
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
  if (const passwd* entry = getpwuid(getuid()); entry != nullptr && entry->pw_dir != nullptr) return entry->pw_dir;
  return std::filesystem::temp_directory_path();
}

// Which files of a scanned folder are candidates: lumiere's rule, or MVT's (*.stix2 only).
enum class Pick { kStix2OrStixJson, kStix2Only };

void scan_folder(const std::filesystem::path& folder, std::vector<std::filesystem::path>& out,
                 Pick pick = Pick::kStix2OrStixJson) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(folder, std::filesystem::directory_options::skip_permission_denied,
                                                   ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_error;
    if (!it->is_regular_file(type_error)) continue;
    const bool wanted =
        pick == Pick::kStix2Only ? lowercase_extension(it->path()) == ".stix2" : is_stix2_candidate(it->path());
    if (wanted) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

void add_path(const std::filesystem::path& path, std::vector<std::filesystem::path>& out,
              Pick pick = Pick::kStix2OrStixJson) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    scan_folder(path, out, pick);
  } else {
    out.push_back(path);  // a file, or something missing that loading will report
  }
}

// A ':'-separated list from the environment.
std::vector<std::filesystem::path> environment_list(const char* variable) {
  std::vector<std::filesystem::path> entries;
  const char* env = std::getenv(variable);  // NOLINT(concurrency-mt-unsafe): read before any thread starts
  if (env == nullptr) return entries;
  const std::string_view list(env);
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto end = std::min(list.find(':', start), list.size());
    if (end > start) entries.emplace_back(list.substr(start, end - start));
    start = end + 1;
  }
  return entries;
}

// A downloaded-indicator folder that exists but holds nothing to load is said plainly.
void add_default_folder(const std::filesystem::path& folder, Pick pick, IndicatorFileList& list,
                        std::vector<std::filesystem::path>& candidates) {
  std::error_code ec;
  if (!std::filesystem::is_directory(folder, ec)) return;
  const std::size_t before = candidates.size();
  scan_folder(folder, candidates, pick);
  if (candidates.size() == before) {
    list.notes.push_back("the indicator folder " + folder.string() + " holds no indicator file");
  }
}

std::filesystem::path data_home() {
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') return xdg;
  return home_dir() / ".local" / "share";
}

}  // namespace

std::filesystem::path user_data_dir() {
  return data_home() / "lumiere";
}

std::filesystem::path mvt_indicators_dir() {
  return data_home() / "mvt" / "indicators";
}

std::filesystem::path user_indicators_dir() {
  return user_data_dir() / "indicators";
}

bool is_stix2_candidate(const std::filesystem::path& file) {
  const std::string ext = lowercase_extension(file);
  if (ext == ".stix2") return true;
  if (ext != ".json") return false;
  std::ifstream in(file, std::ios::binary);
  std::string head(kSniffBytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find("\"bundle\"") != std::string::npos || head.find("\"spec_version\"") != std::string::npos ||
         head.find("\"pattern\"") != std::string::npos;
}

IndicatorFileList list_indicator_files(const IndicatorSources& sources) {
  IndicatorFileList list;
  std::vector<std::filesystem::path> candidates;
  for (const auto& path : sources.paths) add_path(path, candidates);
  if (sources.use_user_data) {
    add_default_folder(user_indicators_dir(), Pick::kStix2OrStixJson, list, candidates);
    add_default_folder(mvt_indicators_dir(), Pick::kStix2Only, list, candidates);
  }
  if (sources.use_environment) {
    for (const auto& entry : environment_list(kIocsEnvironmentVariable)) add_path(entry, candidates);
    for (const auto& entry : environment_list(kMvtIocsEnvironmentVariable)) {
      std::error_code ec;
      if (!std::filesystem::is_directory(entry, ec) && std::filesystem::exists(entry, ec) &&
          lowercase_extension(entry) != ".stix2") {
        list.notes.push_back(std::string(kMvtIocsEnvironmentVariable) + ": " + entry.string() +
                             " is not a .stix2 file: skipped, as MVT skips it");
        continue;
      }
      add_path(entry, candidates, Pick::kStix2Only);
    }
  }
  std::set<std::string> seen;
  for (auto& path : candidates) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    const std::string key = ec ? path.lexically_normal().string() : canonical.string();
    if (seen.insert(key).second) list.files.push_back(std::move(path));
  }
  return list;
}

std::vector<std::filesystem::path> indicator_files(const IndicatorSources& sources) {
  return list_indicator_files(sources).files;
}

std::optional<std::string> outdated_indicators_warning(const std::vector<std::string>& files,
                                                       std::chrono::system_clock::time_point now) {
  std::optional<std::chrono::system_clock::time_point> newest;
  std::string newest_name;
  for (const auto& file : files) {
    std::error_code ec;
    const auto written = std::filesystem::last_write_time(file, ec);
    if (ec) continue;
    const auto when =
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(std::chrono::file_clock::to_sys(written));
    if (!newest || when > *newest) {
      newest = when;
      newest_name = std::filesystem::path(file).filename().string();
    }
  }
  if (!newest) return std::nullopt;
  const auto age = std::chrono::duration_cast<std::chrono::days>(now - *newest).count();
  if (age <= kIndicatorsOutdatedDays) return std::nullopt;
  const std::time_t t = std::chrono::system_clock::to_time_t(*newest);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char date[16] = {};
  std::strftime(date, sizeof date, "%Y-%m-%d", &utc);
  return "the indicators may be outdated: the newest indicator file (" + newest_name + ", " + date + ") is " +
         std::to_string(age) + " days old, so spyware found since then may be missed; run `lumiere iocs update`";
}

IndicatorSet load_indicators(const IndicatorSources& sources) {
  return load_stix2_files(indicator_files(sources));
}

}  // namespace lumiere::ioc
