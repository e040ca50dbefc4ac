#include "core/json.hpp"

#include <cmath>
#include <cstdio>

namespace lumiere {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 if invalid (overlongs, surrogates and
// code points above U+10FFFF are invalid, as in Python).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
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

void append_hex_byte(std::string& out, unsigned char byte) {
  static constexpr const char* kHex = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4U];
  out += kHex[byte & 0xFU];
}

std::uint32_t decode_code_point(std::string_view s, std::size_t i, std::size_t length) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  if (length == 1) return c0;
  std::uint32_t cp = c0 & (length == 2 ? 0x1FU : length == 3 ? 0x0FU : 0x07U);
  for (std::size_t k = 1; k < length; ++k) cp = (cp << 6U) | (static_cast<unsigned char>(s[i + k]) & 0x3FU);
  return cp;
}

// Python str.isprintable() approximated for repr(): control characters and a few separators are escaped.
bool python_printable(std::uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return false;
  if (cp >= 0x80 && cp < 0xA0) return false;
  if (cp == 0xAD || cp == 0x2028 || cp == 0x2029 || (cp >= 0x200B && cp <= 0x200F)) return false;
  if (cp >= 0x202A && cp <= 0x202E) return false;
  if (cp >= 0x2060 && cp <= 0x2064) return false;
  if (cp == 0xFEFF || (cp >= 0xE000 && cp <= 0xF8FF)) return false;
  return true;
}

void repr_string(std::string& out, const std::string& s) {
  const bool has_single = s.find('\'') != std::string::npos;
  const bool has_double = s.find('"') != std::string::npos;
  const char quote = (has_single && !has_double) ? '"' : '\'';
  out += quote;
  for (std::size_t i = 0; i < s.size();) {
    const std::size_t length = utf8_sequence_length(s, i);
    if (length == 0) {  // cannot happen for text made by utf8_backslashreplace; stay safe anyway
      append_hex_byte(out, static_cast<unsigned char>(s[i]));
      ++i;
      continue;
    }
    const std::uint32_t cp = decode_code_point(s, i, length);
    if (cp == static_cast<std::uint32_t>(quote) || cp == '\\') {
      out += '\\';
      out += static_cast<char>(cp);
    } else if (cp == '\n') {
      out += "\\n";
    } else if (cp == '\r') {
      out += "\\r";
    } else if (cp == '\t') {
      out += "\\t";
    } else if (!python_printable(cp)) {
      char buffer[12];
      if (cp < 0x100) {
        std::snprintf(buffer, sizeof buffer, "\\x%02x", cp);
      } else if (cp < 0x10000) {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", cp);
      } else {
        std::snprintf(buffer, sizeof buffer, "\\U%08x", cp);
      }
      out += buffer;
    } else {
      out.append(s, i, length);
    }
    i += length;
  }
  out += quote;
}

std::string float_repr(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  // nlohmann prints the shortest round-trip form, as Python's repr does.
  return Json(value).dump();
}

void repr_into(std::string& out, const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: out += "None"; break;
    case Json::value_t::boolean: out += value.get<bool>() ? "True" : "False"; break;
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: out += value.dump(); break;
    case Json::value_t::number_float: out += float_repr(value.get<double>()); break;
    case Json::value_t::string: repr_string(out, value.get_ref<const std::string&>()); break;
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        repr_into(out, item);
      }
      out += ']';
      break;
    }
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        repr_string(out, key);
        out += ": ";
        repr_into(out, item);
      }
      out += '}';
      break;
    }
    default: out += "None"; break;
  }
}

}  // namespace

namespace {

thread_local std::uint64_t invalid_texts = 0;

std::string backslashreplace(std::string_view bytes, bool& replaced) {
  std::string out;
  out.reserve(bytes.size());
  for (std::size_t i = 0; i < bytes.size();) {
    const std::size_t length = utf8_sequence_length(bytes, i);
    if (length == 0) {
      append_hex_byte(out, static_cast<unsigned char>(bytes[i]));
      replaced = true;
      ++i;
    } else {
      out.append(bytes, i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace

std::uint64_t invalid_utf8_texts() noexcept {
  return invalid_texts;
}

std::string utf8_backslashreplace(std::string_view bytes) {
  bool replaced = false;
  std::string out = backslashreplace(bytes, replaced);
  if (replaced) ++invalid_texts;
  return out;
}

std::string utf8_backslashreplace(std::span<const std::uint8_t> bytes) {
  bool replaced = false;  // bytes are not text: not counted
  return backslashreplace(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()), replaced);
}

std::string dump_mvt_json(const Json& value) {
  // ensure_ascii=true; `replace` is a last line of defence: text is sanitised before it gets here.
  return value.dump(4, ' ', true, nlohmann::ordered_json::error_handler_t::replace);
}

void PackedJsonArray::push_back(const Json& value) {
  offsets_.push_back(bytes_.size());
  Json::to_cbor(value, bytes_);
}

Json PackedJsonArray::at(std::size_t index) const {
  const std::size_t begin = offsets_.at(index);
  const std::size_t end = index + 1 < offsets_.size() ? offsets_[index + 1] : bytes_.size();
  const auto first = bytes_.begin() + static_cast<std::ptrdiff_t>(begin);
  return Json::from_cbor(first, first + static_cast<std::ptrdiff_t>(end - begin));
}

Json PackedJsonArray::to_json() const {
  Json out = Json::array();
  for (std::size_t i = 0; i < size(); ++i) out.push_back(at(i));
  return out;
}

void dump_mvt_json(const PackedJsonArray& values, const std::function<void(std::string_view)>& sink) {
  if (values.empty()) {
    sink("[]");
    return;
  }
  // nlohmann's pretty printer: "[\n", each element indented by 4 and printed at that depth, ",\n" between,
  // "\n]" at the end. Its serializer prints one element at a given depth.
  constexpr std::size_t kPieceBytes = 1U << 20U;
  std::string out = "[\n";
  nlohmann::detail::serializer<Json> printer(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                             nlohmann::ordered_json::error_handler_t::replace);
  for (std::size_t i = 0; i < values.size(); ++i) {
    out += "    ";
    printer.dump(values.at(i), true, true, 4, 4);
    out += i + 1 < values.size() ? ",\n" : "\n]";
    if (out.size() >= kPieceBytes) {
      sink(out);
      out.clear();
    }
  }
  sink(out);
}

std::string python_repr(const Json& value) {
  std::string out;
  repr_into(out, value);
  return out;
}

std::string python_str(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  return python_repr(value);
}

}  // namespace lumiere
