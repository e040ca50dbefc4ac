// CSV in Python's csv dialect as MVT configures it: QUOTE_ALL, '"' doubled, '\' escaped as "\\", CRLF.
#pragma once

#include <string>
#include <string_view>
#include <initializer_list>

namespace lumiere::output {

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace lumiere::output
