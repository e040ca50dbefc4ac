#include "indicators/loader.hpp"

#include <pwd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

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

void scan_folder(const std::filesystem::path& folder, std::vector<std::filesystem::path>& out) {
  std::vector<std::filesystem::path> found;
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(folder, std::filesystem::directory_options::skip_permission_denied,
                                                   ec);
  for (; !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_error;
    if (it->is_regular_file(type_error) && is_stix2_candidate(it->path())) found.push_back(it->path());
  }
  std::sort(found.begin(), found.end());
  out.insert(out.end(), found.begin(), found.end());
}

void add_path(const std::filesystem::path& path, std::vector<std::filesystem::path>& out) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    scan_folder(path, out);
  } else {
    out.push_back(path);  // a file, or something missing that loading will report
  }
}

}  // namespace

std::filesystem::path user_data_dir() {
  // XDG Base Directory: a relative XDG_DATA_HOME is invalid and must be ignored.
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg == '/') {
    return std::filesystem::path(xdg) / "lumiere";
  }
  return home_dir() / ".local" / "share" / "lumiere";
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

std::vector<std::filesystem::path> indicator_files(const IndicatorSources& sources) {
  std::vector<std::filesystem::path> candidates;
  for (const auto& path : sources.paths) add_path(path, candidates);
  if (sources.use_user_data) {
    std::error_code ec;
    const auto folder = user_indicators_dir();
    if (std::filesystem::is_directory(folder, ec)) scan_folder(folder, candidates);
  }
  if (sources.use_environment) {
    if (const char* env = std::getenv(kIocsEnvironmentVariable); env != nullptr) {
      const std::string_view list(env);
      std::size_t start = 0;
      while (start <= list.size()) {
        const auto end = std::min(list.find(':', start), list.size());
        if (end > start) add_path(std::filesystem::path(list.substr(start, end - start)), candidates);
        start = end + 1;
      }
    }
  }
  std::vector<std::filesystem::path> files;
  std::set<std::string> seen;
  for (auto& path : candidates) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    const std::string key = ec ? path.lexically_normal().string() : canonical.string();
    if (seen.insert(key).second) files.push_back(std::move(path));
  }
  return files;
}

IndicatorSet load_indicators(const IndicatorSources& sources) {
  return load_stix2_files(indicator_files(sources));
}

}  // namespace lumiere::ioc
