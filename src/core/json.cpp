#include "core/json.hpp"

#include <cmath>
#include <cstdio>

#include "core/json_writer.hpp"
#include "core/utf8.hpp"

namespace lumiere {
namespace {

void append_hex_byte(std::string& out, unsigned char byte) {
  static constexpr const char* kHex = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4U];
  out += kHex[byte & 0xFU];
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
  std::string out;
  append_json(out, value);
  return out;
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
