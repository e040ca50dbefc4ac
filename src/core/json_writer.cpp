#include "core/json_writer.hpp"

#include <array>
#include <charconv>
#include <cmath>

#include "core/utf8.hpp"

namespace lumiere {
namespace {

constexpr const char* kHexDigits = "0123456789abcdef";

void append_u_escape(std::string& out, std::uint32_t unit) {
  const std::array<char, 6> escaped{'\\',
                                    'u',
                                    kHexDigits[(unit >> 12U) & 0xFU],
                                    kHexDigits[(unit >> 8U) & 0xFU],
                                    kHexDigits[(unit >> 4U) & 0xFU],
                                    kHexDigits[unit & 0xFU]};
  out.append(escaped.data(), escaped.size());
}

void append_indent(std::string& out, int depth) {
  out += '\n';
  out.append(static_cast<std::size_t>(depth) * 4U, ' ');
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;  // start of the run of characters copied as they are
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out.append(text.data() + plain, i - plain);
    if (c < 0x80) {
      switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        default: append_u_escape(out, c); break;
      }
      ++i;
    } else {
      const std::size_t length = utf8_sequence_length(text, i);
      if (length == 0) {
        // Not valid UTF-8 (evidence text is made valid before it gets here): exactly what nlohmann prints
        // for the rest, whose `replace` handler has its own rules for where a bad sequence ends.
        const std::string rest = Json(std::string(text.substr(i))).dump(-1, ' ', true, Json::error_handler_t::replace);
        out.append(rest, 1, rest.size() - 2);
        out += '"';
        return;
      }
      const std::uint32_t cp = decode_code_point(text, i, length);
      if (cp <= 0xFFFF) {
        append_u_escape(out, cp);
      } else {
        append_u_escape(out, 0xD7C0U + (cp >> 10U));
        append_u_escape(out, 0xDC00U + (cp & 0x3FFU));
      }
      i += length;
    }
    plain = i;
  }
  out.append(text.data() + plain, text.size() - plain);
  out += '"';
}

void append_json(std::string& out, const Json& value, JsonStyle style, int depth) {
  switch (value.type()) {
    case Json::value_t::object: {
      const auto& object = value.get_ref<const Json::object_t&>();
      if (object.empty()) {
        out += "{}";
        return;
      }
      out += '{';
      bool first = true;
      for (const auto& [name, member] : object) {
        if (!first) out += ',';
        first = false;
        if (style == JsonStyle::kIndent4) append_indent(out, depth + 1);
        append_json_string(out, name);
        out += style == JsonStyle::kIndent4 ? ": " : ":";
        append_json(out, member, style, depth + 1);
      }
      if (style == JsonStyle::kIndent4) append_indent(out, depth);
      out += '}';
      return;
    }
    case Json::value_t::array: {
      const auto& array = value.get_ref<const Json::array_t&>();
      if (array.empty()) {
        out += "[]";
        return;
      }
      out += '[';
      bool first = true;
      for (const auto& item : array) {
        if (!first) out += ',';
        first = false;
        if (style == JsonStyle::kIndent4) append_indent(out, depth + 1);
        append_json(out, item, style, depth + 1);
      }
      if (style == JsonStyle::kIndent4) append_indent(out, depth);
      out += ']';
      return;
    }
    case Json::value_t::string: append_json_string(out, value.get_ref<const std::string&>()); return;
    case Json::value_t::boolean: out += value.get<bool>() ? "true" : "false"; return;
    case Json::value_t::number_integer: {
      std::array<char, 24> buffer{};
      const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.get<std::int64_t>()).ptr;
      out.append(buffer.data(), end);
      return;
    }
    case Json::value_t::number_unsigned: {
      std::array<char, 24> buffer{};
      const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value.get<std::uint64_t>()).ptr;
      out.append(buffer.data(), end);
      return;
    }
    case Json::value_t::number_float: {
      const double x = value.get<double>();
      if (!std::isfinite(x)) {
        out += "null";
        return;
      }
      // nlohmann's own shortest round-trip formatting (Grisu2), so the digits are the ones it prints.
      std::array<char, 64> buffer{};
      const char* end = nlohmann::detail::to_chars(buffer.data(), buffer.data() + buffer.size(), x);
      out.append(buffer.data(), static_cast<std::size_t>(end - buffer.data()));
      return;
    }
    case Json::value_t::null: out += "null"; return;
    default: {
      // binary or discarded values, which records do not hold: nlohmann prints them
      const int indent = style == JsonStyle::kIndent4 ? 4 : -1;
      nlohmann::detail::serializer<Json> printer(nlohmann::detail::output_adapter<char, std::string>(out), ' ',
                                                 Json::error_handler_t::replace);
      printer.dump(value, indent >= 0, true, static_cast<unsigned>(indent >= 0 ? indent : 0),
                   static_cast<unsigned>(depth * 4));
      return;
    }
  }
}

void JsonWriter::newline_indent(int depth) {
  if (style_ == JsonStyle::kIndent4) append_indent(out_, depth);
}

void JsonWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (open_ == 0) return;  // the top-level value
  const std::uint64_t bit = std::uint64_t{1} << static_cast<unsigned>(open_);
  if ((has_member_ & bit) != 0) out_ += ',';
  has_member_ |= bit;
  newline_indent(depth_ + open_);
}

void JsonWriter::open(char bracket) {
  before_value();
  out_ += bracket;
  ++open_;
  has_member_ &= ~(std::uint64_t{1} << static_cast<unsigned>(open_));
}

void JsonWriter::close(char bracket) {
  if ((has_member_ & (std::uint64_t{1} << static_cast<unsigned>(open_))) != 0) newline_indent(depth_ + open_ - 1);
  --open_;
  out_ += bracket;
}

void JsonWriter::key(std::string_view name) {
  before_value();
  append_json_string(out_, name);
  out_ += style_ == JsonStyle::kIndent4 ? ": " : ":";
  after_key_ = true;
}

void JsonWriter::null() {
  before_value();
  out_ += "null";
}

void JsonWriter::boolean(bool value) {
  before_value();
  out_ += value ? "true" : "false";
}

void JsonWriter::integer(std::int64_t value) {
  before_value();
  std::array<char, 24> buffer{};
  const auto end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
  out_.append(buffer.data(), end);
}

void JsonWriter::real(double value) {
  before_value();
  append_json(out_, Json(value), style_, depth_ + open_);
}

void JsonWriter::string(std::string_view text) {
  before_value();
  append_json_string(out_, text);
}

void JsonWriter::value(const Json& value) {
  before_value();
  append_json(out_, value, style_, depth_ + open_);
}

}  // namespace lumiere
