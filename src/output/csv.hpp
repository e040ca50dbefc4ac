// CSV in Python's csv dialect as MVT configures it: QUOTE_ALL, '"' doubled, '\' escaped as "\\", CRLF.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace lumiere::output {

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields);

}  // namespace lumiere::output
