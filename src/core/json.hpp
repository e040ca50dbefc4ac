// JSON as MVT writes it: insertion-ordered keys, indent 4, ASCII-only (\uXXXX), bytes as text with
// invalid UTF-8 shown as \xNN (Python's "backslashreplace"), so evidence bytes never make invalid JSON.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lumiere {

using Json = nlohmann::ordered_json;

// Valid UTF-8 text from arbitrary bytes: every byte that is not part of a valid UTF-8 sequence becomes the
// four characters \xNN (lowercase hex), as Python's bytes.decode("utf-8", "backslashreplace").
std::string utf8_backslashreplace(std::string_view bytes);
std::string utf8_backslashreplace(std::span<const std::uint8_t> bytes);

// How many texts (the string_view overload above: text, not bytes) utf8_backslashreplace has found not valid
// UTF-8 on this thread so far. The runner reports the increase over each module as a note: such bytes in
// evidence text are worth an analyst's look.
std::uint64_t invalid_utf8_texts() noexcept;

// A JSON string value made safe from evidence bytes.
inline Json json_text(std::string_view bytes) {
  return Json(utf8_backslashreplace(bytes));
}

// json.dump(indent=4, ensure_ascii=True) byte for byte.
std::string dump_mvt_json(const Json& value);

// Python's repr() of the equivalent dict/list/str/int/float/bool/None (alerts_timeline.csv "Event").
std::string python_repr(const Json& value);

// Python's str() of the same value, as MVT's f-strings render record fields in timeline rows and messages:
// text as it is, None, True, 12, 1.0, and containers as repr.
std::string python_str(const Json& value);

}  // namespace lumiere
