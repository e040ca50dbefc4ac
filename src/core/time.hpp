// One set of named time conversions (spec §5.6). All produce MVT's `iso` text: "YYYY-MM-DD HH:MM:SS.ffffff"
// in UTC, or "" when the input is invalid or out of range.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

namespace lumiere::timeconv {

inline constexpr std::int64_t kMacEpochOffsetSeconds = 978307200;       // 2001-01-01 - 1970-01-01
inline constexpr std::int64_t kChromeEpochOffsetSeconds = 11644473600;  // 1970-01-01 - 1601-01-01

using Micros = std::chrono::sys_time<std::chrono::microseconds>;

// Formats microseconds since the Unix epoch; "" if outside years 1..9999.
std::string iso_from_unix_micros(std::int64_t micros);
std::string iso(Micros t);

// Unix seconds (integer or fractional). Rounds to the microsecond, half-even as Python does.
std::string unix_to_iso(double seconds);
std::string unix_to_iso(std::int64_t seconds);

// Mac absolute time: 0 → ""; an integer of exactly 18 decimal digits is nanoseconds (first 9 digits kept,
// as MVT does; for a negative value the digits of its magnitude are counted and the sign kept); any other
// integer is seconds, so a 19-digit value lands beyond year 9999 → "". Doubles are seconds with fraction.
std::string mac_to_iso(std::int64_t value);
std::string mac_to_iso(double seconds);

// Chrome/WebKit time: microseconds since 1601-01-01.
std::string chrome_to_iso(std::int64_t micros);

// Nanoseconds since the Unix epoch, floored to the microsecond (exact; no float rounding).
std::string unix_nanos_to_iso(std::int64_t nanos);

// Current time in the local zone, as MVT writes info.json "date".
std::string now_local_iso();

// Parses an `iso` string back to microseconds since the Unix epoch (for sorting and JSONL). Accepts
// "YYYY-MM-DD HH:MM:SS[.f…]" (1-6 fraction digits), 'T' for the space, and an optional "Z"/"+00:00".
std::optional<std::int64_t> parse_iso(const std::string& text);

}  // namespace lumiere::timeconv
