// Apple property lists (binary "bplist00" and XML) read through libplist into an owned value tree, and
// written back (fixtures, decrypt-backup). Hostile input: depth and size are bounded.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace lumiere::plist {

inline constexpr std::size_t kMaxDepth = 256;
inline constexpr std::size_t kMaxInputBytes = std::size_t{256} * 1024 * 1024;
// A binary plist (or keyed archive) may reference one object many times; the owned tree copies it each time,
// so the expansion is bounded too (kLimitExceeded) to stop a few kilobytes from expanding exponentially. The
// budget scales with the input (about 2 nodes and 64 bytes per input byte, at least 1 Mi nodes / 64 MiB);
// these are its hard caps.
inline constexpr std::size_t kMaxNodes = std::size_t{8} * 1000 * 1000;
inline constexpr std::size_t kMaxExpandedBytes = std::size_t{1024} * 1024 * 1024;

struct Value;
using Array = std::vector<Value>;
// Plist dictionaries keep their file order (MVT's JSON keeps insertion order).
using Dict = std::vector<std::pair<std::string, Value>>;
using Bytes = std::vector<std::uint8_t>;

struct Date {
  double mac_seconds = 0;  // seconds since 2001-01-01T00:00:00Z (Mac absolute time)
  bool operator==(const Date&) const = default;
};
struct Uid {
  std::uint64_t value = 0;
  bool operator==(const Uid&) const = default;
};

// Integers: binary plists store 1/2/4-byte integers unsigned, 8-byte ones signed and 16-byte ones only for
// values above INT64_MAX; libplist keeps XML integers as uint64. Both become int64 by bit pattern, so
// negative numbers are right and the rare unsigned value above INT64_MAX reads as negative (cast it back to
// uint64 to recover it). Nothing is lost.
// Null (monostate) comes from a binary plist's 0x00 marker; serialize() rejects it.
struct Value {
  using Storage = std::variant<std::monostate, bool, std::int64_t, double, std::string, Bytes, Date, Uid, Array, Dict>;
  Storage data;

  Value() = default;
  // The constraint already excludes Value itself (Storage is not constructible from it), so copies and moves
  // still use the implicit constructors.
  template <class T>
  requires std::is_constructible_v<Storage, T&&>
  // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
  Value(T&& v) : data(std::forward<T>(v)) {}
  Value(const char* s) : data(std::string(s)) {}        // NOLINT(google-explicit-constructor)
  Value(int v) : data(static_cast<std::int64_t>(v)) {}  // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool is_null() const { return std::holds_alternative<std::monostate>(data); }
  template <class T>
  [[nodiscard]] bool is() const {
    return std::holds_alternative<T>(data);
  }
  template <class T>
  [[nodiscard]] const T* get_if() const {
    return std::get_if<T>(&data);
  }
  template <class T>
  [[nodiscard]] T* get_if() {
    return std::get_if<T>(&data);
  }
  // Dictionary lookup: nullptr when this is not a dict or the key is absent.
  [[nodiscard]] const Value* find(std::string_view key) const;
  [[nodiscard]] const std::string* find_string(std::string_view key) const;

  bool operator==(const Value&) const = default;
};

// Parses binary or XML plist bytes. `path` only names the input in errors. Nesting deeper than kMaxDepth, a
// larger input or expansion → kLimitExceeded; anything malformed (including reference cycles) → kParse.
Result<Value> parse(std::span<const std::uint8_t> data, std::string_view path = {});
Result<Value> parse_file(const std::filesystem::path& file, std::string_view display_path = {});

// For fixture builders and decrypt-backup, through libplist 2.2.0: dates must lie within int32 seconds of
// 2001 (1933..2069) and strings must not contain NUL; XML dates keep whole seconds only.
enum class Format { kBinary, kXml };
Result<Bytes> serialize(const Value& value, Format format);

}  // namespace lumiere::plist
