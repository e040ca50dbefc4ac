// Link extraction from free text (SMS, iMessage, WhatsApp, Shortcuts...): spec §4.4.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lumiere::ioc {

// Every "http://" or "https://" (any case) followed by a run of non-whitespace characters, in order, not
// overlapping; trailing punctuation is kept (as MVT). Whitespace is ASCII whitespace plus the Unicode
// space separators in UTF-8 (NBSP, U+2000-U+200A, U+2028/2029, U+3000...), as Python's \s is. Works on
// arbitrary bytes in linear time: invalid UTF-8 is just part of a link.
std::vector<std::string> extract_links(std::string_view text);

}  // namespace lumiere::ioc
