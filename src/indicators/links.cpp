#include "indicators/links.hpp"

#include <cstring>

#include "core/ascii.hpp"

namespace lumiere::ioc {
namespace {

// Length of the whitespace character starting at text[i], 0 if none. Python's str \s: ASCII \t\n\v\f\r,
// space, \x1c-\x1f, and Unicode White_Space (U+0085, U+00A0, U+1680, U+2000-200A, U+2028, U+2029, U+202F,
// U+205F, U+3000), here in their UTF-8 encodings.
std::size_t whitespace_length(std::string_view text, std::size_t i) noexcept {
  const auto b0 = static_cast<unsigned char>(text[i]);
  if (b0 == ' ' || (b0 >= 0x09 && b0 <= 0x0d) || (b0 >= 0x1c && b0 <= 0x1f)) return 1;
  if (b0 < 0xc2) return 0;
  const std::size_t left = text.size() - i;
  if (b0 == 0xc2 && left >= 2) {
    const auto b1 = static_cast<unsigned char>(text[i + 1]);
    return (b1 == 0x85 || b1 == 0xa0) ? 2 : 0;
  }
  if (left < 3) return 0;
  const auto b1 = static_cast<unsigned char>(text[i + 1]);
  const auto b2 = static_cast<unsigned char>(text[i + 2]);
  if (b0 == 0xe1 && b1 == 0x9a && b2 == 0x80) return 3;  // U+1680
  if (b0 == 0xe2 && b1 == 0x80 && ((b2 >= 0x80 && b2 <= 0x8a) || b2 == 0xa8 || b2 == 0xa9 || b2 == 0xaf)) return 3;
  if (b0 == 0xe2 && b1 == 0x81 && b2 == 0x9f) return 3;  // U+205F
  if (b0 == 0xe3 && b1 == 0x80 && b2 == 0x80) return 3;  // U+3000
  return 0;
}

// "http://" or "https://" at i (case-insensitive); returns the prefix length or 0.
std::size_t scheme_length(std::string_view text, std::size_t i) noexcept {
  static constexpr std::string_view kHttp = "http";
  if (text.size() - i < 7) return 0;
  for (std::size_t k = 0; k < kHttp.size(); ++k) {
    if (ascii_lower(text[i + k]) != kHttp[k]) return 0;
  }
  std::size_t j = i + 4;
  if (ascii_lower(text[j]) == 's') ++j;
  if (text.size() - j < 3 || text.compare(j, 3, "://") != 0) return 0;
  return j + 3 - i;
}

}  // namespace

std::vector<std::string> extract_links(std::string_view text) {
  std::vector<std::string> links;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c != 'h' && c != 'H') {
      ++i;
      continue;
    }
    const std::size_t prefix = scheme_length(text, i);
    if (prefix == 0) {
      ++i;
      continue;
    }
    std::size_t end = i + prefix;
    while (end < text.size() && whitespace_length(text, end) == 0) ++end;
    if (end == i + prefix) {  // "http://" followed by whitespace or the end: no link
      i += prefix;
      continue;
    }
    links.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return links;
}

}  // namespace lumiere::ioc
