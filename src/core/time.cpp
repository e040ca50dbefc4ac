// Time conversions of spec §5.6. MVT goes through Python's datetime, so the rules copied here are Python's:
// years 1..9999 only, float seconds rounded to the microsecond half-to-even, invalid input → "".
#include "core/time.hpp"

#include <array>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace lumiere::timeconv {

namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;
// 0001-01-01T00:00:00 and 10000-01-01T00:00:00 in Unix seconds: Python's datetime range.
constexpr std::int64_t kMinUnixSeconds = -62'135'596'800;
constexpr std::int64_t kEndUnixSeconds = 253'402'300'800;
constexpr std::int64_t kMinUnixMicros = kMinUnixSeconds * kMicrosPerSecond;
constexpr std::int64_t kEndUnixMicros = kEndUnixSeconds * kMicrosPerSecond;
// MVT's mac-time rule: an 18-digit integer is nanoseconds and keeps its first 9 digits.
constexpr int kNanosecondDigits = 18;
constexpr std::int64_t kNanosecondDivisor = 1'000'000'000;

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  std::int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

int decimal_digits(std::int64_t v) {
  std::uint64_t magnitude = v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  int digits = 1;
  while (magnitude >= 10) {
    magnitude /= 10;
    ++digits;
  }
  return digits;
}

std::string format(std::int64_t micros) {
  if ((micros < kMinUnixMicros || micros >= kEndUnixMicros)) return {};
  using namespace std::chrono;
  const std::int64_t day = floor_div(micros, kMicrosPerDay);
  const std::int64_t in_day = micros - day * kMicrosPerDay;
  const year_month_day ymd{sys_days{days{day}}};
  const std::int64_t secs = in_day / kMicrosPerSecond;
  std::array<char, 40> buf{};
  const int n = std::snprintf(
      buf.data(), buf.size(), "%04d-%02u-%02u %02d:%02d:%02d.%06d", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()), static_cast<int>(secs / 3600),
      static_cast<int>(secs / 60 % 60), static_cast<int>(secs % 60), static_cast<int>(in_day % kMicrosPerSecond));
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

}  // namespace

std::string iso_from_unix_micros(std::int64_t micros) {
  return format(micros);
}

std::string iso(Micros t) {
  return format(t.time_since_epoch().count());
}

std::string unix_to_iso(double seconds) {
  if (!std::isfinite(seconds)) return {};
  // Python's datetime.fromtimestamp: split off the fraction, scale it, round half-to-even (nearbyint in the
  // default rounding mode), then carry.
  double whole = 0;
  const double frac = std::modf(seconds, &whole);
  double us = std::nearbyint(frac * 1e6);
  if (us >= 1e6) {
    us -= 1e6;
    whole += 1;
  } else if (us < 0) {
    us += 1e6;
    whole -= 1;
  }
  if (whole < static_cast<double>(kMinUnixSeconds) || whole >= static_cast<double>(kEndUnixSeconds)) return {};
  return format(static_cast<std::int64_t>(whole) * kMicrosPerSecond + static_cast<std::int64_t>(us));
}

std::string unix_to_iso(std::int64_t seconds) {
  if (seconds < kMinUnixSeconds || seconds >= kEndUnixSeconds) return {};
  return format(seconds * kMicrosPerSecond);
}

std::string mac_to_iso(std::int64_t value) {
  if (value == 0) return {};
  if (decimal_digits(value) == kNanosecondDigits) value /= kNanosecondDivisor;
  std::int64_t unix_seconds = 0;
  if (__builtin_add_overflow(value, kMacEpochOffsetSeconds, &unix_seconds)) return {};
  return unix_to_iso(unix_seconds);
}

std::string mac_to_iso(double seconds) {
  if (seconds == 0 || !std::isfinite(seconds)) return {};
  return unix_to_iso(seconds + static_cast<double>(kMacEpochOffsetSeconds));
}

std::string chrome_to_iso(std::int64_t micros) {
  std::int64_t unix_micros = 0;
  if (__builtin_sub_overflow(micros, kChromeEpochOffsetSeconds * kMicrosPerSecond, &unix_micros)) return {};
  return format(unix_micros);
}

std::string unix_nanos_to_iso(std::int64_t nanos) {
  return format(floor_div(nanos, 1000));
}

std::string now_local_iso() {
  using namespace std::chrono;
  const auto now = time_point_cast<microseconds>(system_clock::now());
  const std::int64_t micros = now.time_since_epoch().count();
  const std::time_t secs = static_cast<std::time_t>(floor_div(micros, kMicrosPerSecond));
  std::tm local{};
  if (localtime_r(&secs, &local) == nullptr) return {};
  std::array<char, 40> buf{};
  const int n = std::snprintf(buf.data(), buf.size(), "%04d-%02d-%02d %02d:%02d:%02d.%06d", local.tm_year + 1900,
                              local.tm_mon + 1, local.tm_mday, local.tm_hour, local.tm_min, local.tm_sec,
                              static_cast<int>(micros - floor_div(micros, kMicrosPerSecond) * kMicrosPerSecond));
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> parse_iso(const std::string& text) {
  // "YYYY-MM-DD HH:MM:SS[.f{1,6}]", 'T' accepted for the space, an optional "Z" or "+00:00" (UTC only).
  std::size_t pos = 0;
  const auto number = [&](std::size_t digits, int& out) {
    if (pos + digits > text.size()) return false;
    int v = 0;
    for (std::size_t i = 0; i < digits; ++i) {
      const char c = text[pos + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    pos += digits;
    out = v;
    return true;
  };
  const auto literal = [&](char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
  };
  int y = 0;
  int mo = 0;
  int d = 0;
  int h = 0;
  int mi = 0;
  int s = 0;
  if (!number(4, y) || !literal('-') || !number(2, mo) || !literal('-') || !number(2, d)) return std::nullopt;
  if (pos >= text.size() || (text[pos] != ' ' && text[pos] != 'T')) return std::nullopt;
  ++pos;
  if (!number(2, h) || !literal(':') || !number(2, mi) || !literal(':') || !number(2, s)) return std::nullopt;
  std::int64_t fraction = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    std::size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 6) {
      fraction = fraction * 10 + (text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
    for (; digits < 6; ++digits) fraction *= 10;
  }
  const std::string_view rest = std::string_view(text).substr(pos);
  if (!rest.empty() && rest != "Z" && rest != "+00:00") return std::nullopt;

  using namespace std::chrono;
  const year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (y < 1 || !ymd.ok() || h > 23 || mi > 59 || s > 59) return std::nullopt;
  const std::int64_t day_number = sys_days{ymd}.time_since_epoch().count();
  const std::int64_t seconds_in_day = std::int64_t{h} * 3600 + std::int64_t{mi} * 60 + s;
  return (day_number * 86'400 + seconds_in_day) * kMicrosPerSecond + fraction;
}

}  // namespace lumiere::timeconv
