// Property lists. Binary plists ("bplist00", layout as documented in Apple's CFBinaryPList.c: objects, offset
// table, 32-byte trailer) are decoded here rather than by libplist 2.2.0, because that version overflows the
// stack on deeply nested input, takes exponential time on shared sub-objects, and truncates dates to int32
// seconds (distantFuture, pre-1933) and loses the sign of dates in (-1, 0). XML goes through libplist after a
// nesting pre-scan (its XML reader recurses too); serialisation goes through libplist.
#include "core/plist.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <memory>
#include <system_error>

#include "core/plist_handle.hpp"

namespace lumiere::plist {

const Value* Value::find(std::string_view key) const {
  const auto* dict = get_if<Dict>();
  if (dict == nullptr) return nullptr;
  for (const auto& [k, v] : *dict) {
    if (k == key) return &v;
  }
  return nullptr;
}

const std::string* Value::find_string(std::string_view key) const {
  const Value* v = find(key);
  return v == nullptr ? nullptr : v->get_if<std::string>();
}

namespace {

constexpr std::string_view kBinaryMagic = "bplist00";
constexpr std::size_t kTrailerSize = 32;

std::string describe_path(std::string_view path) {
  return std::string(path);
}

// Shared sub-objects are copied into the owned tree, so a small hostile file could expand exponentially.
// Without nested sharing a tree has at most one node per reference, i.e. per input byte; the budget allows
// that with room to spare, never less than a floor, never more than the hard caps.
class Budget {
 public:
  explicit Budget(std::size_t input_size)
      : max_nodes_(std::clamp<std::size_t>(input_size * 2, kMinNodeBudget, kMaxNodes)),
        max_bytes_(std::clamp<std::size_t>(input_size * 64, kMinByteBudget, kMaxExpandedBytes)) {}

  bool take(std::size_t nodes, std::size_t bytes) {
    nodes_ += nodes;
    bytes_ += bytes;
    return nodes_ <= max_nodes_ && bytes_ <= max_bytes_;
  }

 private:
  static constexpr std::size_t kMinNodeBudget = 1U << 20U;
  static constexpr std::size_t kMinByteBudget = 64U << 20U;
  std::size_t max_nodes_;
  std::size_t max_bytes_;
  std::size_t nodes_ = 0;
  std::size_t bytes_ = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string utf16_to_utf8(std::span<const std::uint8_t> bytes, bool big_endian) {
  constexpr std::uint32_t kReplacement = 0xFFFD;
  const auto unit = [&](std::size_t i) -> std::uint32_t {
    const std::uint32_t a = bytes[2 * i];
    const std::uint32_t b = bytes[2 * i + 1];
    return big_endian ? (a << 8) | b : (b << 8) | a;
  };
  std::string out;
  out.reserve(bytes.size());
  const std::size_t units = bytes.size() / 2;
  for (std::size_t i = 0; i < units; ++i) {
    const std::uint32_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
      const std::uint32_t lo = unit(i + 1);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        append_utf8(out, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
        ++i;
        continue;
      }
    }
    append_utf8(out, (u >= 0xD800 && u <= 0xDFFF) ? kReplacement : u);
  }
  return out;
}

bool is_valid_utf8(std::span<const std::uint8_t> s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::uint8_t c = s[i];
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    }
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1FU;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0FU;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07U;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (std::size_t k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3FU);
    }
    static constexpr std::uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

// Decodes one binary plist held entirely in memory. Every offset, length and reference is checked
// against the buffer before use; recursion is bounded by kMaxDepth.
class BinaryReader {
 public:
  BinaryReader(std::span<const std::uint8_t> data, std::string_view path)
      : data_(data), path_(path), budget_(data.size()) {}

  Result<Value> read() {
    if (data_.size() < kBinaryMagic.size() + 1 + kTrailerSize)
      return fail(ErrorCode::kParse, "binary plist is truncated");
    const std::size_t t = data_.size() - kTrailerSize;
    offset_size_ = data_[t + 6];
    ref_size_ = data_[t + 7];
    const std::uint64_t num_objects = be(t + 8, 8);
    const std::uint64_t top = be(t + 16, 8);
    table_offset_ = be(t + 24, 8);
    if (offset_size_ < 1 || offset_size_ > 8 || ref_size_ < 1 || ref_size_ > 8) {
      return fail(ErrorCode::kParse, "binary plist trailer has invalid integer sizes");
    }
    // Every object takes at least one byte, so more objects than bytes means a forged trailer.
    if (num_objects == 0 || num_objects > t || top >= num_objects) {
      return fail(ErrorCode::kParse, "binary plist trailer has an invalid object count or top object");
    }
    if (table_offset_ < kBinaryMagic.size() || table_offset_ > t || num_objects * offset_size_ > t - table_offset_) {
      return fail(ErrorCode::kParse, "binary plist offset table lies outside the file");
    }
    num_objects_ = num_objects;
    on_stack_.assign(num_objects, false);
    return object(top, 0);
  }

 private:
  Unexpected<Error> fail(ErrorCode code, std::string message) const {
    return unexpected(code, std::move(message), describe_path(path_));
  }

  // Big-endian unsigned integer of `n` (1..8) bytes; the caller has checked bounds.
  [[nodiscard]] std::uint64_t be(std::size_t at, std::size_t n) const {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < n; ++i) v = (v << 8) | data_[at + i];
    return v;
  }

  // Object bodies live between the header and the offset table.
  [[nodiscard]] bool in_objects(std::uint64_t start, std::uint64_t length) const {
    return start <= table_offset_ && length <= table_offset_ - start;
  }

  Result<std::uint64_t> object_offset(std::uint64_t index) const {
    const std::uint64_t off = be(static_cast<std::size_t>(table_offset_ + index * offset_size_), offset_size_);
    if (off < kBinaryMagic.size() || off >= table_offset_) {
      return fail(ErrorCode::kParse, "binary plist object offset out of range");
    }
    return off;
  }

  struct Sized {
    std::uint64_t count = 0;
    std::uint64_t start = 0;  // first byte after the marker and any length object
  };

  // The low nibble holds a count, or 0xF followed by an integer object holding it.
  Result<Sized> sized(std::uint64_t off, std::uint8_t marker) const {
    if ((marker & 0x0F) != 0x0F) return Sized{static_cast<std::uint64_t>(marker & 0x0F), off + 1};
    if (!in_objects(off + 1, 1)) return fail(ErrorCode::kParse, "binary plist length is truncated");
    const std::uint8_t int_marker = data_[off + 1];
    if ((int_marker & 0xF0) != 0x10 || (int_marker & 0x0F) > 3) {
      return fail(ErrorCode::kParse, "binary plist length is not an integer");
    }
    const std::size_t n = std::size_t{1} << (int_marker & 0x0F);
    if (!in_objects(off + 2, n)) return fail(ErrorCode::kParse, "binary plist length is truncated");
    return Sized{be(static_cast<std::size_t>(off + 2), n), off + 2 + n};
  }

  Result<std::uint64_t> ref_at(std::uint64_t at) const {
    const std::uint64_t ref = be(static_cast<std::size_t>(at), ref_size_);
    if (ref >= num_objects_) return fail(ErrorCode::kParse, "binary plist object reference out of range");
    return ref;
  }

  Result<Value> string_object(std::uint64_t index) {
    auto off = object_offset(index);
    if (!off) return unexpected(std::move(off).error());
    const std::uint8_t marker = data_[*off];
    const std::uint8_t type = marker >> 4;
    // Keys are read without recursion: a container as a key would only be a way to expand the input.
    if (type != 0x1 && type != 0x5 && type != 0x6 && type != 0x7) {
      return fail(ErrorCode::kParse, "binary plist dictionary key is not a string");
    }
    return scalar(*off, marker);
  }

  Result<Value> object(std::uint64_t index, std::size_t depth) {
    if (depth > kMaxDepth) return fail(ErrorCode::kLimitExceeded, "property list nested deeper than the limit");
    if (!budget_.take(1, 0)) return fail(ErrorCode::kLimitExceeded, "property list expands beyond the size limit");
    auto off = object_offset(index);
    if (!off) return unexpected(std::move(off).error());
    const std::uint8_t marker = data_[*off];
    const std::uint8_t type = marker >> 4;
    if (type != 0xA && type != 0xB && type != 0xC && type != 0xD) return scalar(*off, marker);

    if (on_stack_[index]) return fail(ErrorCode::kParse, "binary plist contains a reference cycle");
    auto sz = sized(*off, marker);
    if (!sz) return unexpected(std::move(sz).error());
    const std::uint64_t refs = type == 0xD ? sz->count * 2 : sz->count;
    if (sz->count > table_offset_ || !in_objects(sz->start, refs * ref_size_)) {
      return fail(ErrorCode::kParse, "binary plist container is truncated");
    }
    on_stack_[index] = true;
    Result<Value> out = type == 0xD ? dict(*sz, depth) : array(*sz, depth);
    on_stack_[index] = false;
    return out;
  }

  Result<Value> array(const Sized& sz, std::size_t depth) {
    Array items;
    items.reserve(static_cast<std::size_t>(sz.count));
    for (std::uint64_t i = 0; i < sz.count; ++i) {
      auto ref = ref_at(sz.start + i * ref_size_);
      if (!ref) return unexpected(std::move(ref).error());
      auto item = object(*ref, depth + 1);
      if (!item) return item;
      items.push_back(std::move(*item));
    }
    return Value(std::move(items));
  }

  Result<Value> dict(const Sized& sz, std::size_t depth) {
    Dict entries;
    entries.reserve(static_cast<std::size_t>(sz.count));
    for (std::uint64_t i = 0; i < sz.count; ++i) {
      auto key_ref = ref_at(sz.start + i * ref_size_);
      if (!key_ref) return unexpected(std::move(key_ref).error());
      auto val_ref = ref_at(sz.start + (sz.count + i) * ref_size_);
      if (!val_ref) return unexpected(std::move(val_ref).error());
      auto key = string_object(*key_ref);
      if (!key) return key;
      std::string key_text;
      if (auto* s = key->get_if<std::string>()) {
        key_text = std::move(*s);
      } else if (auto* n = key->get_if<std::int64_t>()) {
        key_text = std::to_string(*n);
      }
      auto value = object(*val_ref, depth + 1);
      if (!value) return value;
      entries.emplace_back(std::move(key_text), std::move(*value));
    }
    return Value(std::move(entries));
  }

  Result<Value> scalar(std::uint64_t off, std::uint8_t marker) {
    const std::uint8_t type = marker >> 4;
    const std::uint8_t info = marker & 0x0F;
    switch (type) {
      case 0x0:
        if (info == 0x0) return Value();
        if (info == 0x8) return Value(false);
        if (info == 0x9) return Value(true);
        break;
      case 0x1: {
        if (info > 4) break;
        const std::size_t n = std::size_t{1} << info;
        if (!in_objects(off + 1, n)) return fail(ErrorCode::kParse, "binary plist integer is truncated");
        // 1, 2 and 4-byte integers are unsigned, 8-byte ones signed; a 16-byte integer only carries values
        // beyond int64, which we keep as the low 64 bits' bit pattern (see the header).
        const std::size_t start = static_cast<std::size_t>(off + 1) + (n == 16 ? 8 : 0);
        const std::uint64_t raw = be(start, n == 16 ? 8 : n);
        return Value(static_cast<std::int64_t>(raw));
      }
      case 0x2: {
        if (info == 2) {
          if (!in_objects(off + 1, 4)) return fail(ErrorCode::kParse, "binary plist real is truncated");
          const auto bits = static_cast<std::uint32_t>(be(static_cast<std::size_t>(off + 1), 4));
          float f = 0;
          std::memcpy(&f, &bits, sizeof f);
          return Value(static_cast<double>(f));
        }
        if (info == 3) {
          if (!in_objects(off + 1, 8)) return fail(ErrorCode::kParse, "binary plist real is truncated");
          return Value(read_double(off + 1));
        }
        break;
      }
      case 0x3:
        if (info != 3) break;
        if (!in_objects(off + 1, 8)) return fail(ErrorCode::kParse, "binary plist date is truncated");
        return Value(Date{read_double(off + 1)});
      case 0x4:
      case 0x5:
      case 0x6:
      case 0x7: {
        auto sz = sized(off, marker);
        if (!sz) return unexpected(std::move(sz).error());
        const std::uint64_t unit = type == 0x6 ? 2 : 1;
        if (sz->count > table_offset_ || !in_objects(sz->start, sz->count * unit)) {
          return fail(ErrorCode::kParse, "binary plist data or string is truncated");
        }
        const auto bytes =
            data_.subspan(static_cast<std::size_t>(sz->start), static_cast<std::size_t>(sz->count * unit));
        if (!budget_.take(0, bytes.size())) {
          return fail(ErrorCode::kLimitExceeded, "property list expands beyond the size limit");
        }
        if (type == 0x4) return Value(Bytes(bytes.begin(), bytes.end()));
        if (type == 0x6) return Value(utf16_to_utf8(bytes, true));
        return Value(byte_string(bytes));
      }
      case 0x8: {
        const std::size_t n = info + 1U;
        if (n > 8) break;
        if (!in_objects(off + 1, n)) return fail(ErrorCode::kParse, "binary plist UID is truncated");
        return Value(Uid{be(static_cast<std::size_t>(off + 1), n)});
      }
      default: break;
    }
    return fail(ErrorCode::kParse, "binary plist has an unknown object marker");
  }

  [[nodiscard]] double read_double(std::uint64_t at) const {
    const std::uint64_t bits = be(static_cast<std::size_t>(at), 8);
    double d = 0;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }

  // "ASCII" strings are meant to be 7-bit; when they are not, keep valid UTF-8 as it is and read anything
  // else as Latin-1 so that the output is always UTF-8.
  static std::string byte_string(std::span<const std::uint8_t> bytes) {
    if (is_valid_utf8(bytes)) return std::string(bytes.begin(), bytes.end());
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) append_utf8(out, b);
    return out;
  }

  std::span<const std::uint8_t> data_;
  std::string_view path_;
  std::size_t offset_size_ = 0;
  std::size_t ref_size_ = 0;
  std::uint64_t table_offset_ = 0;
  std::uint64_t num_objects_ = 0;
  std::vector<bool> on_stack_;
  Budget budget_;
};

// libplist 2.2.0's XML reader recurses once per element, so nesting is measured first. Well-formed
// nesting is required (a close tag must match the open one), so mismatched tags cannot hide depth.
Result<void> check_xml_nesting(std::string_view text, std::string_view path) {
  constexpr std::size_t kMaxElementDepth = kMaxDepth + 2;  // <plist> and a leaf element around the values
  std::vector<std::string_view> open;
  std::size_t i = 0;
  const auto skip_past = [&](std::string_view terminator) {
    const std::size_t end = text.find(terminator, i);
    i = end == std::string_view::npos ? text.size() : end + terminator.size();
  };
  while ((i = text.find('<', i)) != std::string_view::npos) {
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("<!--")) {
      skip_past("-->");
    } else if (rest.starts_with("<![CDATA[")) {
      skip_past("]]>");
    } else if (rest.starts_with("<?")) {
      skip_past("?>");
    } else if (rest.starts_with("<!")) {
      skip_past(">");
    } else {
      const bool closing = rest.starts_with("</");
      std::size_t j = i + (closing ? 2 : 1);
      const std::size_t name_start = j;
      while (j < text.size() && text[j] != '>' && text[j] != '/' && text[j] != ' ' && text[j] != '\t' &&
             text[j] != '\r' && text[j] != '\n') {
        ++j;
      }
      const std::string_view name = text.substr(name_start, j - name_start);
      char quote = 0;
      bool self_closing = false;
      for (; j < text.size(); ++j) {
        const char c = text[j];
        if (quote != 0) {
          if (c == quote) quote = 0;
        } else if (c == '"' || c == '\'') {
          quote = c;
        } else if (c == '>') {
          self_closing = j > 0 && text[j - 1] == '/';
          break;
        }
      }
      if (j >= text.size())
        return unexpected(ErrorCode::kParse, "XML plist has an unterminated tag", std::string(path));
      i = j + 1;
      if (closing) {
        if (open.empty() || open.back() != name) {
          return unexpected(ErrorCode::kParse, "XML plist has mismatched tags", std::string(path));
        }
        open.pop_back();
      } else if (!self_closing) {
        open.push_back(name);
        if (open.size() > kMaxElementDepth) {
          return unexpected(ErrorCode::kLimitExceeded, "property list nested deeper than the limit", std::string(path));
        }
      }
    }
  }
  return {};
}

class NodeConverter {
 public:
  NodeConverter(std::size_t input_size, std::string_view path) : path_(path), budget_(input_size) {}

  Result<Value> convert(plist_t node, std::size_t depth) {
    if (depth > kMaxDepth) {
      return unexpected(ErrorCode::kLimitExceeded, "property list nested deeper than the limit", std::string(path_));
    }
    if (!budget_.take(1, 0)) return too_big();
    switch (plist_get_node_type(node)) {
      case PLIST_BOOLEAN: {
        std::uint8_t b = 0;
        plist_get_bool_val(node, &b);
        return Value(b != 0);
      }
      case PLIST_UINT: {
        // libplist 2.2.0 keeps every integer as uint64, negative ones as their two's complement.
        std::uint64_t u = 0;
        plist_get_uint_val(node, &u);
        return Value(static_cast<std::int64_t>(u));
      }
      case PLIST_REAL: {
        double d = 0;
        plist_get_real_val(node, &d);
        return Value(d);
      }
      case PLIST_STRING:
      case PLIST_KEY: {
        std::uint64_t length = 0;
        const char* s = plist_get_string_ptr(node, &length);
        if (!budget_.take(0, length)) return too_big();
        return Value(s == nullptr ? std::string() : std::string(s, length));
      }
      case PLIST_DATE: {
        // 2.2.0 splits the date into int32 seconds truncated toward zero and a non-negative microsecond part.
        std::int32_t sec = 0;
        std::int32_t usec = 0;
        plist_get_date_val(node, &sec, &usec);
        const double frac = static_cast<double>(usec) / 1e6;
        return Value(Date{sec < 0 ? sec - frac : sec + frac});
      }
      case PLIST_DATA: {
        std::uint64_t length = 0;
        const char* p = plist_get_data_ptr(node, &length);
        if (!budget_.take(0, length)) return too_big();
        const auto* b = reinterpret_cast<const std::uint8_t*>(p);
        return Value(p == nullptr ? Bytes() : Bytes(b, b + length));
      }
      case PLIST_UID: {
        std::uint64_t u = 0;
        plist_get_uid_val(node, &u);
        return Value(Uid{u});
      }
      case PLIST_ARRAY: {
        Array items;
        const std::uint32_t n = plist_array_get_size(node);
        items.reserve(n);
        for (std::uint32_t k = 0; k < n; ++k) {
          plist_t child = plist_array_get_item(node, k);
          if (child == nullptr) continue;
          auto v = convert(child, depth + 1);
          if (!v) return v;
          items.push_back(std::move(*v));
        }
        return Value(std::move(items));
      }
      case PLIST_DICT: return dict(node, depth);
      default: break;
    }
    return unexpected(ErrorCode::kParse, "property list has a node of unknown type", std::string(path_));
  }

 private:
  Unexpected<Error> too_big() const {
    return unexpected(ErrorCode::kLimitExceeded, "property list expands beyond the size limit", std::string(path_));
  }

  Result<Value> dict(plist_t node, std::size_t depth) {
    Dict entries;
    plist_dict_iter raw_iter = nullptr;
    plist_dict_new_iter(node, &raw_iter);
    const std::unique_ptr<void, MallocFree> iter(raw_iter);
    for (;;) {
      char* raw_key = nullptr;
      plist_t child = nullptr;
      plist_dict_next_item(node, iter.get(), &raw_key, &child);
      const std::unique_ptr<char, MallocFree> key(raw_key);
      if (child == nullptr) break;
      auto v = convert(child, depth + 1);
      if (!v) return v;
      entries.emplace_back(key ? std::string(key.get()) : std::string(), std::move(*v));
    }
    // XML has no UID element; CoreFoundation writes a UID as <dict><key>CF$UID</key><integer>…</integer></dict>.
    if (entries.size() == 1 && entries[0].first == "CF$UID") {
      if (const auto* n = entries[0].second.get_if<std::int64_t>()) {
        return Value(Uid{static_cast<std::uint64_t>(*n)});
      }
    }
    return Value(std::move(entries));
  }

  std::string_view path_;
  Budget budget_;
};

Result<Value> parse_xml(std::span<const std::uint8_t> data, std::string_view path) {
  // libplist 2.2.0 reads UTF-8 only and chokes on a byte-order mark; plists saved by other tools have one.
  std::string converted;
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  } else if (text.starts_with("\xFF\xFE") || text.starts_with("\xFE\xFF")) {
    converted = utf16_to_utf8(data.subspan(2), text[0] == '\xFE');
    text = converted;
  }
  if (text.find('<') == std::string_view::npos) {
    return unexpected(ErrorCode::kParse, "not a property list (neither binary nor XML)", std::string(path));
  }
  if (auto nesting = check_xml_nesting(text, path); !nesting) return unexpected(nesting.error());
  PlistHandle root;
  plist_from_xml(text.data(), static_cast<std::uint32_t>(text.size()), root.out());
  if (!root) return unexpected(ErrorCode::kParse, "malformed XML property list", std::string(path));
  return NodeConverter(data.size(), path).convert(root.get(), 0);
}

Result<PlistHandle> to_node(const Value& value, std::size_t depth) {
  if (depth > kMaxDepth) return unexpected(ErrorCode::kLimitExceeded, "value nested deeper than the limit");
  struct Visitor {
    std::size_t depth;
    Result<PlistHandle> operator()(std::monostate) const {
      return unexpected(ErrorCode::kInvalidArgument, "a null value has no property list form");
    }
    Result<PlistHandle> operator()(bool b) const { return PlistHandle(plist_new_bool(b ? 1 : 0)); }
    Result<PlistHandle> operator()(std::int64_t n) const {
      return PlistHandle(plist_new_uint(static_cast<std::uint64_t>(n)));
    }
    Result<PlistHandle> operator()(double d) const { return PlistHandle(plist_new_real(d)); }
    Result<PlistHandle> operator()(const std::string& s) const {
      if (s.find('\0') != std::string::npos) {
        return unexpected(ErrorCode::kInvalidArgument, "libplist cannot store a string with a NUL character");
      }
      return PlistHandle(plist_new_string(s.c_str()));
    }
    Result<PlistHandle> operator()(const Bytes& b) const {
      return PlistHandle(plist_new_data(reinterpret_cast<const char*>(b.data()), b.size()));
    }
    Result<PlistHandle> operator()(const Date& d) const {
      // plist_new_date adds sec and usec, so split with floor to keep negative fractions right.
      const double sec = std::floor(d.mac_seconds);
      if (!std::isfinite(d.mac_seconds) || sec < std::numeric_limits<std::int32_t>::min() ||
          sec > std::numeric_limits<std::int32_t>::max()) {
        return unexpected(ErrorCode::kInvalidArgument, "libplist 2.2.0 cannot store a date this far from 2001");
      }
      auto usec = static_cast<std::int32_t>(std::llround((d.mac_seconds - sec) * 1e6));
      auto whole = static_cast<std::int32_t>(sec);
      if (usec >= 1000000) {
        usec -= 1000000;
        ++whole;
      }
      return PlistHandle(plist_new_date(whole, usec));
    }
    Result<PlistHandle> operator()(const Uid& u) const { return PlistHandle(plist_new_uid(u.value)); }
    Result<PlistHandle> operator()(const Array& a) const {
      PlistHandle node(plist_new_array());
      for (const auto& item : a) {
        auto child = to_node(item, depth + 1);
        if (!child) return child;
        plist_array_append_item(node.get(), child->release());
      }
      return node;
    }
    Result<PlistHandle> operator()(const Dict& d) const {
      PlistHandle node(plist_new_dict());
      for (const auto& [key, item] : d) {
        auto child = to_node(item, depth + 1);
        if (!child) return child;
        plist_dict_set_item(node.get(), key.c_str(), child->release());
      }
      return node;
    }
  };
  return std::visit(Visitor{depth}, value.data);
}

}  // namespace

Result<Value> parse(std::span<const std::uint8_t> data, std::string_view path) {
  if (data.empty()) return unexpected(ErrorCode::kParse, "empty property list", std::string(path));
  if (data.size() > kMaxInputBytes) {
    return unexpected(ErrorCode::kLimitExceeded, "property list larger than the size limit", std::string(path));
  }
  const std::string_view head(reinterpret_cast<const char*>(data.data()), std::min<std::size_t>(data.size(), 8));
  if (head.starts_with("bplist")) {
    if (head != kBinaryMagic) {
      return unexpected(ErrorCode::kUnsupported, "unsupported binary property list version", std::string(path));
    }
    return BinaryReader(data, path).read();
  }
  return parse_xml(data, path);
}

Result<Value> parse_file(const std::filesystem::path& file, std::string_view display_path) {
  const std::string shown = display_path.empty() ? file.string() : std::string(display_path);
  std::error_code ec;
  const auto status = std::filesystem::status(file, ec);
  if (ec || !std::filesystem::exists(status)) return unexpected(ErrorCode::kNotFound, "file not found", shown);
  if (!std::filesystem::is_regular_file(status)) return unexpected(ErrorCode::kIo, "not a regular file", shown);
  const auto size = std::filesystem::file_size(file, ec);
  if (ec) return unexpected(ErrorCode::kIo, "cannot read file size: " + ec.message(), shown);
  if (size > kMaxInputBytes) {
    return unexpected(ErrorCode::kLimitExceeded, "property list larger than the size limit", shown);
  }
  std::ifstream in(file, std::ios::binary);
  if (!in) return unexpected(ErrorCode::kIo, "cannot open file", shown);
  Bytes data(static_cast<std::size_t>(size));
  in.read(reinterpret_cast<char*>(data.data()), static_cast<std::streamsize>(data.size()));
  if (in.gcount() != static_cast<std::streamsize>(data.size())) {
    return unexpected(ErrorCode::kIo, "short read", shown);
  }
  return parse(data, shown);
}

Result<Bytes> serialize(const Value& value, Format format) {
  auto root = to_node(value, 0);
  if (!root) return unexpected(std::move(root).error());
  PlistBuffer out(format == Format::kBinary ? PlistBuffer::Kind::kBin : PlistBuffer::Kind::kXml);
  if (format == Format::kBinary) {
    plist_to_bin(root->get(), out.data_out(), out.size_out());
  } else {
    plist_to_xml(root->get(), out.data_out(), out.size_out());
  }
  const std::string_view bytes = out.view();
  if (bytes.empty()) return unexpected(ErrorCode::kInternal, "libplist produced no output");
  return Bytes(bytes.begin(), bytes.end());
}

}  // namespace lumiere::plist
