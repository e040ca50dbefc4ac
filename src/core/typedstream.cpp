#include "core/typedstream.hpp"

#include <fmt/core.h>

#include <optional>
#include <string_view>
#include <vector>

namespace lumiere::typedstream {
namespace {

// Header: streamer version 4 (every Mac OS X / iOS archive), then the signature whose spelling gives the
// byte order of multi-byte integers.
constexpr int kStreamerVersion = 4;
constexpr std::string_view kSignatureLittleEndian = "streamtyped";
constexpr std::string_view kSignatureBigEndian = "typedstream";

// Tag bytes (as signed 8-bit values). Values from kFirstTag to kLastTag are never literal integers; the
// reference numbers of shared strings and objects start one past kLastTag.
constexpr int kTagInteger2 = -127;
constexpr int kTagInteger4 = -126;
constexpr int kTagFloating = -125;
constexpr int kTagNew = -124;
constexpr int kTagNil = -123;
constexpr int kTagEndOfObject = -122;
constexpr int kFirstTag = -128;
constexpr int kLastTag = -111;
constexpr int kFirstReferenceNumber = kLastTag + 1;

// A class chain longer than this is not something Foundation writes (NSMutableAttributedString →
// NSAttributedString → NSObject is three).
constexpr int kMaxClassDepth = 32;

constexpr std::string_view kObjectEncoding = "@";
constexpr std::string_view kStringBytesEncoding = "+";

struct Entry {
  bool is_class = false;
  std::string name;       // classes only
  int superclass = -1;    // classes: index of the superclass entry, -1 for none
  int object_class = -1;  // objects: index of their class entry
};

class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}

  Result<void> header() {
    auto version = byte();
    if (!version) return std::move(version).error();
    if (static_cast<int>(*version) != kStreamerVersion) {
      return fail(fmt::format("not a typedstream (streamer version {})", static_cast<int>(*version)));
    }
    auto length = integer();
    if (!length) return std::move(length).error();
    if (*length != static_cast<std::int64_t>(kSignatureLittleEndian.size())) return fail("not a typedstream signature");
    auto signature = bytes(static_cast<std::size_t>(*length));
    if (!signature) return std::move(signature).error();
    if (*signature == kSignatureBigEndian) {
      big_endian_ = true;
    } else if (*signature != kSignatureLittleEndian) {
      return fail("not a typedstream signature");
    }
    auto system_version = integer();
    if (!system_version) return std::move(system_version).error();
    return {};
  }

  // A type encoding (shared string) that must equal `expected`.
  Result<void> expect_encoding(std::string_view expected) {
    auto encoding = shared_string();
    if (!encoding) return std::move(encoding).error();
    if (!*encoding || **encoding != expected) {
      return unexpected(ErrorCode::kUnsupported,
                        fmt::format("typedstream value of type \"{}\" where \"{}\" was expected",
                                    encoding->value_or("nil"), expected));
    }
    return {};
  }

  // The start of a new object: its class chain must include `class_name`.
  Result<void> new_object_of(std::string_view class_name) {
    auto tag = signed_byte();
    if (!tag) return std::move(tag).error();
    if (*tag != kTagNew) {
      return unexpected(ErrorCode::kUnsupported, fmt::format("typedstream: expected a new {} object", class_name));
    }
    const int object = static_cast<int>(entries_.size());
    entries_.push_back(Entry{});
    auto cls = read_class(0);
    if (!cls) return std::move(cls).error();
    entries_[static_cast<std::size_t>(object)].object_class = *cls;
    int current = *cls;
    for (int depth = 0; current >= 0 && depth <= kMaxClassDepth; ++depth) {
      const Entry& entry = entries_[static_cast<std::size_t>(current)];
      if (entry.name == class_name) return {};
      current = entry.superclass;
    }
    return unexpected(ErrorCode::kUnsupported, fmt::format("typedstream object is not an {}", class_name));
  }

  // "+" bytes: a count, then that many bytes.
  Result<std::string> counted_bytes() {
    auto length = integer();
    if (!length) return std::move(length).error();
    if (*length < 0) return fail("negative byte count");
    return bytes(static_cast<std::size_t>(*length));
  }

 private:
  static Unexpected<Error> fail(std::string message) { return unexpected(ErrorCode::kParse, std::move(message)); }

  Result<std::uint8_t> byte() {
    if (pos_ >= data_.size()) return fail("typedstream truncated");
    return data_[pos_++];
  }

  Result<int> signed_byte() {
    auto b = byte();
    if (!b) return std::move(b).error();
    return static_cast<int>(static_cast<std::int8_t>(*b));
  }

  Result<std::string> bytes(std::size_t count) {
    if (count > data_.size() - pos_) return fail("typedstream truncated");
    std::string out(reinterpret_cast<const char*>(data_.data() + pos_), count);
    pos_ += count;
    return out;
  }

  Result<std::int64_t> fixed(std::size_t width) {
    if (width > data_.size() - pos_) return fail("typedstream truncated");
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) {
      const std::size_t index = big_endian_ ? i : width - 1 - i;
      value = (value << 8U) | data_[pos_ + index];
    }
    pos_ += width;
    if (width == 2) return static_cast<std::int64_t>(static_cast<std::int16_t>(value));
    return static_cast<std::int64_t>(static_cast<std::int32_t>(value));
  }

  // An integer whose head byte is already read.
  Result<std::int64_t> integer_after(int head) {
    if (head == kTagInteger2) return fixed(2);
    if (head == kTagInteger4) return fixed(4);
    if (head == kTagFloating) return fail("typedstream: a float where an integer was expected");
    if (head >= kFirstTag && head <= kLastTag) return fail(fmt::format("typedstream: unexpected tag {}", head));
    return static_cast<std::int64_t>(head);
  }

  Result<std::int64_t> integer() {
    auto head = signed_byte();
    if (!head) return std::move(head).error();
    return integer_after(*head);
  }

  // Index of a back-reference whose head byte is already read.
  Result<std::size_t> reference(int head, std::size_t table_size) {
    auto label = integer_after(head);
    if (!label) return std::move(label).error();
    const std::int64_t index = *label - kFirstReferenceNumber;
    if (index < 0 || static_cast<std::uint64_t>(index) >= table_size) return fail("typedstream: dangling reference");
    return static_cast<std::size_t>(index);
  }

  // nullopt for nil.
  Result<std::optional<std::string>> shared_string() {
    auto head = signed_byte();
    if (!head) return std::move(head).error();
    if (*head == kTagNil) return std::optional<std::string>{};
    if (*head == kTagNew) {
      auto text = counted_bytes();
      if (!text) return std::move(text).error();
      strings_.push_back(*text);
      return std::optional<std::string>{std::move(*text)};
    }
    auto index = reference(*head, strings_.size());
    if (!index) return std::move(index).error();
    return std::optional<std::string>{strings_[*index]};
  }

  // A class and its superclasses; returns its entry index, -1 for nil.
  Result<int> read_class(int depth) {
    if (depth > kMaxClassDepth) return fail("typedstream: class chain too deep");
    auto head = signed_byte();
    if (!head) return std::move(head).error();
    if (*head == kTagNil) return -1;
    if (*head == kTagNew) {
      auto name = shared_string();
      if (!name) return std::move(name).error();
      if (!*name) return fail("typedstream: class without a name");
      auto version = integer();
      if (!version) return std::move(version).error();
      const int index = static_cast<int>(entries_.size());
      entries_.push_back(Entry{.is_class = true, .name = std::move(**name), .superclass = -1, .object_class = -1});
      auto superclass = read_class(depth + 1);
      if (!superclass) return std::move(superclass).error();
      entries_[static_cast<std::size_t>(index)].superclass = *superclass;
      return index;
    }
    if (*head == kTagEndOfObject) return fail("typedstream: end of object where a class was expected");
    auto index = reference(*head, entries_.size());
    if (!index) return std::move(index).error();
    if (!entries_[*index].is_class) return fail("typedstream: reference to an object where a class was expected");
    return static_cast<int>(*index);
  }

  std::span<const std::uint8_t> data_;
  std::size_t pos_ = 0;
  bool big_endian_ = false;
  std::vector<std::string> strings_;
  std::vector<Entry> entries_;  // objects and classes share one reference numbering
};

}  // namespace

Result<std::string> attributed_string_text(std::span<const std::uint8_t> data) {
  Reader reader(data);
  // NSAttributedString's archive: the root object, whose first value is its string object, whose first value
  // is the string's UTF-8 bytes. Attribute runs follow; they are not needed for the text.
  if (auto ok = reader.header(); !ok) return std::move(ok).error();
  if (auto ok = reader.expect_encoding(kObjectEncoding); !ok) return std::move(ok).error();
  if (auto ok = reader.new_object_of("NSAttributedString"); !ok) return std::move(ok).error();
  if (auto ok = reader.expect_encoding(kObjectEncoding); !ok) return std::move(ok).error();
  if (auto ok = reader.new_object_of("NSString"); !ok) return std::move(ok).error();
  if (auto ok = reader.expect_encoding(kStringBytesEncoding); !ok) return std::move(ok).error();
  return reader.counted_bytes();
}

}  // namespace lumiere::typedstream
