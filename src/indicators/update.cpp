#include "indicators/update.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <vector>

#include "indicators/http.hpp"
#include "indicators/stix_loader.hpp"

namespace lumiere::ioc {
namespace {

constexpr std::size_t kMaxFileNameLength = 200;

std::string scalar(const YAML::Node& node, const char* key, std::string fallback = {}) {
  const YAML::Node value = node[key];
  if (!value || !value.IsScalar()) return fallback;
  return value.as<std::string>();
}

bool ends_with_ci(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  for (std::size_t i = 0; i < suffix.size(); ++i) {
    char c = text[text.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

void write_stamp(const std::filesystem::path& data_dir, const char* name) {
  const auto now = static_cast<long long>(std::time(nullptr));
  // A stamp that cannot be written only affects the "last update" display; the update itself succeeded.
  (void)write_file_atomically(data_dir / name, std::to_string(now));
}

}  // namespace

Result<IndexParse> parse_index(std::string_view yaml_text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml_text));
  } catch (const YAML::Exception& ex) {
    return unexpected(ErrorCode::kParse, "invalid YAML index at line " + std::to_string(ex.mark.line + 1) +
                                             ", column " + std::to_string(ex.mark.column + 1) + ": " + ex.msg);
  }
  if (!root.IsMap() || !root["indicators"] || !root["indicators"].IsSequence()) {
    return unexpected(ErrorCode::kParse, "index has no \"indicators:\" list");
  }
  IndexParse out;
  try {
    std::size_t position = 0;
    for (const YAML::Node& item : root["indicators"]) {
      ++position;
      const std::string where =
          "entry " + std::to_string(position) + " (line " + std::to_string(item.Mark().line + 1) + ")";
      if (!item.IsMap()) {
        out.problems.push_back(where + ": not a mapping");
        continue;
      }
      IndexEntry entry;
      entry.type = scalar(item, "type");
      entry.name = scalar(item, "name", "(unnamed)");
      if (entry.type == "github") {
        const YAML::Node github = item["github"];
        if (!github || !github.IsMap()) {
          out.problems.push_back(where + " \"" + entry.name + "\": github entry without a github: mapping");
          continue;
        }
        const std::string owner = scalar(github, "owner");
        const std::string repo = scalar(github, "repo");
        const std::string branch = scalar(github, "branch", "main");
        const std::string path = scalar(github, "path");
        if (owner.empty() || repo.empty() || path.empty()) {
          out.problems.push_back(where + " \"" + entry.name + "\": github entry needs owner, repo and path");
          continue;
        }
        entry.url = "https://raw.githubusercontent.com/" + owner + "/" + repo + "/" + branch + "/" + path;
      } else {
        entry.url = scalar(item, "download_url");
      }
      if (!entry.url.starts_with("https://") && !entry.url.starts_with("http://")) {
        out.problems.push_back(where + " \"" + entry.name + "\": no http(s) download URL");
        continue;
      }
      out.entries.push_back(std::move(entry));
    }
  } catch (const YAML::Exception& ex) {
    return unexpected(ErrorCode::kParse, "invalid index at line " + std::to_string(ex.mark.line + 1) + ": " + ex.msg);
  }
  return out;
}

std::string download_file_name(std::string_view url) {
  // Python's str.lstrip("https://") removes any leading run of the characters h, t, p, s, ':' and '/'.
  const auto first = url.find_first_not_of("htps:/");
  std::string name(first == std::string_view::npos ? std::string_view{} : url.substr(first));
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0') c = '_';
  }
  if (name.size() > kMaxFileNameLength) name.erase(0, name.size() - kMaxFileNameLength);
  if (name.empty() || name.front() == '.') name.insert(0, "download_");
  if (!ends_with_ci(name, ".stix2") && !ends_with_ci(name, ".json")) name += ".stix2";
  return name;
}

Result<void> write_file_atomically(const std::filesystem::path& target, std::string_view content) {
  const std::filesystem::path folder = target.parent_path().empty() ? "." : target.parent_path();
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) return unexpected(ErrorCode::kIo, "cannot create folder: " + ec.message(), folder.string());
  std::string pattern = (folder / ("." + target.filename().string() + ".XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  const int fd = mkstemp(name.data());
  if (fd < 0) {
    return unexpected(ErrorCode::kIo, std::string("cannot create temporary file: ") + std::strerror(errno),
                      folder.string());
  }
  const std::string temp(name.data());
  const auto fail = [&](const char* what) {
    const std::string reason = std::string(what) + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(temp.c_str());
    return unexpected(ErrorCode::kIo, reason, target.string());
  };
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Result<void>(fail("cannot write"));
    }
    written += static_cast<std::size_t>(n);
  }
  ::fchmod(fd, 0644);
  if (::fsync(fd) != 0) return Result<void>(fail("cannot flush"));
  if (::close(fd) != 0) {
    ::unlink(temp.c_str());
    return unexpected(ErrorCode::kIo, "cannot close temporary file", target.string());
  }
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const std::string reason = std::string("cannot rename into place: ") + std::strerror(errno);
    ::unlink(temp.c_str());
    return unexpected(ErrorCode::kIo, reason, target.string());
  }
  return {};
}

bool UpdateReport::ok() const noexcept {
  if (index_error) return false;
  for (const auto& download : downloads) {
    if (download.error) return false;
  }
  return true;
}

UpdateReport update_indicators(const UpdateOptions& options) {
  UpdateReport report;
  const std::filesystem::path folder = options.data_dir / "indicators";
  write_stamp(options.data_dir, kLastCheckFile);

  HttpRequest index_request;
  index_request.url = options.index_url;
  index_request.follow_redirects = true;
  index_request.timeout = options.timeout;
  auto index = http_request(index_request);
  if (!index) {
    report.index_error = index.error();
    return report;
  }
  if (index->status != 200) {
    report.index_error = Error{
        ErrorCode::kNetwork, "index download failed: HTTP status " + std::to_string(index->status), options.index_url};
    return report;
  }
  auto parsed = parse_index(index->body);
  if (!parsed) {
    report.index_error = parsed.error();
    report.index_error->path = options.index_url;
    return report;
  }
  report.index_problems = std::move(parsed->problems);

  bool any_downloaded = false;
  for (const IndexEntry& entry : parsed->entries) {
    DownloadOutcome outcome;
    outcome.name = entry.name;
    outcome.url = entry.url;
    outcome.file = folder / download_file_name(entry.url);
    HttpRequest request;
    request.url = entry.url;
    request.follow_redirects = true;
    request.timeout = options.timeout;
    auto response = http_request(request);
    if (!response) {
      outcome.error = response.error();
    } else if (response->status != 200) {
      outcome.error = Error{ErrorCode::kNetwork, "HTTP status " + std::to_string(response->status), entry.url};
    } else {
      // An error page served with status 200 must not replace a good copy: check it parses as STIX2.
      const ParsedFile check = parse_stix2_text(response->body, outcome.file.string());
      if (check.report.error) {
        outcome.error =
            Error{ErrorCode::kParse, "downloaded file is not valid STIX2: " + check.report.error->message, entry.url};
      } else if (auto written = write_file_atomically(outcome.file, response->body); !written) {
        outcome.error = written.error();
      } else {
        any_downloaded = true;
      }
    }
    report.downloads.push_back(std::move(outcome));
  }
  if (any_downloaded) write_stamp(options.data_dir, kLastUpdateFile);
  return report;
}

std::optional<std::int64_t> read_stamp(const std::filesystem::path& data_dir, const char* stamp_name) {
  std::ifstream in(data_dir / stamp_name);
  long long value = 0;
  if (!(in >> value) || value <= 0) return std::nullopt;
  return static_cast<std::int64_t>(value);
}

}  // namespace lumiere::ioc
