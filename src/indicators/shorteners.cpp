#include "indicators/shorteners.hpp"

#include <string>
#include <unordered_set>

#include "indicators/url.hpp"

#ifndef LUMIERE_SOURCE_DIR
#error "LUMIERE_SOURCE_DIR must name the source tree (set by CMake on lumiere_core)"
#endif

// The list is embedded with the assembler's .incbin: no generated sources and no extra CMake step, and the
// text stays a reviewable data file. (If data/url_shorteners.txt changes, this file must be recompiled.)
// NOLINTNEXTLINE(hicpp-no-assembler)
asm(".pushsection .rodata\n"
    ".balign 16\n"
    ".type lumiere_url_shorteners_begin, @object\n"
    "lumiere_url_shorteners_begin:\n"
    ".incbin \"" LUMIERE_SOURCE_DIR
    "/data/url_shorteners.txt\"\n"
    "lumiere_url_shorteners_end:\n"
    ".byte 0\n"
    ".popsection\n");

// Symbols defined by the .incbin block above; their names are the assembler's, not ours.
extern "C" {
extern const char lumiere_url_shorteners_begin[];  // NOLINT(readability-identifier-naming)
extern const char lumiere_url_shorteners_end[];    // NOLINT(readability-identifier-naming)
}

namespace lumiere::ioc {
namespace {

using HostSet = std::unordered_set<std::string_view>;

const HostSet& shortener_hosts() {
  static const HostSet kHosts = [] {
    HostSet out;
    const std::string_view text(lumiere_url_shorteners_begin,
                                static_cast<std::size_t>(lumiere_url_shorteners_end - lumiere_url_shorteners_begin));
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(start, end - start);
      start = end + 1;
      if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.remove_suffix(1);
      while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
      if (!line.empty()) out.insert(line);  // views into the embedded, immutable data
    }
    return out;
  }();
  return kHosts;
}

std::string_view url_path(std::string_view url) {
  std::string_view rest = url;
  if (const auto sep = rest.find("://"); sep != std::string_view::npos) {
    rest.remove_prefix(sep + 3);
  } else if (rest.starts_with("//")) {
    rest.remove_prefix(2);
  }
  const auto slash = rest.find_first_of("/?#");
  return slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
}

}  // namespace

bool is_shortener_host(std::string_view host) {
  const HostSet& hosts = shortener_hosts();
  return hosts.contains(host) || hosts.contains(strip_www(host));
}

bool is_shortened(std::string_view url) {
  const auto host = extract_host(url);
  if (!host || host->type != HostType::kDomain) return false;
  if (!is_shortener_host(host->name)) return false;
  if (strip_www(host->name) == "goo.gl" && url_path(url).starts_with("/maps/")) return false;
  return true;
}

std::size_t shortener_count() {
  return shortener_hosts().size();
}

}  // namespace lumiere::ioc
