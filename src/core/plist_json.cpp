#include "core/plist_json.hpp"

#include <cmath>

#include "core/time.hpp"

namespace lumiere {
namespace {

std::int64_t unix_micros(const plist::Date& date) {
  return static_cast<std::int64_t>(std::llround(date.mac_seconds * 1e6)) + timeconv::kMacEpochOffsetSeconds * 1000000;
}

}  // namespace

std::string plist_date_iso(const plist::Date& date) {
  if (!std::isfinite(date.mac_seconds) || std::fabs(date.mac_seconds) > 1e11) return "";
  return timeconv::iso_from_unix_micros(unix_micros(date));
}

std::string python_datetime_str(const plist::Date& date) {
  std::string iso = plist_date_iso(date);
  if (iso.size() > 7 && iso.compare(iso.size() - 7, 7, ".000000") == 0) iso.resize(iso.size() - 7);
  return iso;
}

Json plist_to_json(const plist::Value& value) {
  return std::visit(
      [](const auto& v) -> Json {
        using T = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<T, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<T, bool> || std::is_same_v<T, std::int64_t> || std::is_same_v<T, double>) {
          return v;
        } else if constexpr (std::is_same_v<T, std::string>) {
          return utf8_backslashreplace(v);
        } else if constexpr (std::is_same_v<T, plist::Bytes>) {
          return utf8_backslashreplace(std::span<const std::uint8_t>(v));
        } else if constexpr (std::is_same_v<T, plist::Date>) {
          return python_datetime_str(v);
        } else if constexpr (std::is_same_v<T, plist::Uid>) {
          return v.value;
        } else if constexpr (std::is_same_v<T, plist::Array>) {
          Json out = Json::array();
          for (const auto& item : v) out.push_back(plist_to_json(item));
          return out;
        } else {
          Json out = Json::object();
          for (const auto& [key, item] : v) out[utf8_backslashreplace(key)] = plist_to_json(item);
          return out;
        }
      },
      value.data);
}

}  // namespace lumiere
