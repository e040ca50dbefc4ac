// UTF-8 decoding as Python and nlohmann validate it (RFC 3629: no overlongs, no surrogates, nothing above
// U+10FFFF), shared by the JSON text helpers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace lumiere {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid (overlongs, surrogates and
// code points above U+10FFFF are invalid, as in Python).
inline std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  if (c0 < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    length = 2;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    length = 3;
    if (c0 == 0xE0) low = 0xA0;
    if (c0 == 0xED) high = 0x9F;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    length = 4;
    if (c0 == 0xF0) low = 0x90;
    if (c0 == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (i + length > s.size()) return 0;
  const auto c1 = static_cast<unsigned char>(s[i + 1]);
  if (c1 < low || c1 > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    const auto c = static_cast<unsigned char>(s[i + k]);
    if (c < 0x80 || c > 0xBF) return 0;
  }
  return length;
}

inline std::uint32_t decode_code_point(std::string_view s, std::size_t i, std::size_t length) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  if (length == 1) return c0;
  std::uint32_t cp = c0 & (length == 2 ? 0x1FU : length == 3 ? 0x0FU : 0x07U);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6U) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
  return cp;
}

}  // namespace lumiere
