// A purpose-built JSON text writer: the bytes nlohmann's dump(4, ' ', true, replace) (MVT's indent-4,
// ensure_ascii files) or dump(-1, ' ', true, replace) (one compact line, timeline.jsonl) would print, appended
// straight to a string: no per-character output adapter, no tree needed for what is written value by value.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/json.hpp"

namespace lumiere {

enum class JsonStyle { kIndent4, kCompact };

// A JSON string literal (quotes included), ensure_ascii: \b \t \n \f \r \" \\, other controls, DEL and every
// non-ASCII code point as \uXXXX (lowercase, surrogate pairs above U+FFFF); bytes that are not valid UTF-8
// are printed as nlohmann's `replace` handler prints them.
void append_json_string(std::string& out, std::string_view text);

// Appends `value` in `style`, as if it stood at nesting `depth` (the indentation of its closing bracket).
void append_json(std::string& out, const Json& value, JsonStyle style = JsonStyle::kIndent4, int depth = 0);

// Writes one value member by member: begin_object / key / scalar or nested value / end_object. The result is
// what append_json would print for the equivalent tree.
class JsonWriter {
 public:
  JsonWriter(std::string& out, JsonStyle style, int depth = 0) : out_(out), style_(style), depth_(depth) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view name);

  void null();
  void boolean(bool value);
  void integer(std::int64_t value);
  void real(double value);
  void string(std::string_view text);  // text must already be what the file shows (see append_json_string)
  void value(const Json& value);

 private:
  void before_value();
  void open(char bracket);
  void close(char bracket);
  void newline_indent(int depth);

  std::string& out_;
  JsonStyle style_;
  int depth_;
  int open_ = 0;  // containers opened and not yet closed
  // Per open container: whether it has a member yet. 64 levels are far more than any record has.
  std::uint64_t has_member_ = 0;
  bool after_key_ = false;
};

}  // namespace lumiere
