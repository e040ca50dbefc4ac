#include "output/csv.hpp"

namespace lumiere::output {

void append_csv_row(std::string& out, std::initializer_list<std::string_view> fields) {
  bool first = true;
  for (const auto field : fields) {
    if (!first) out += ',';
    first = false;
    out += '"';
    for (const char c : field) {
      if (c == '"') {
        out += "\"\"";
      } else if (c == '\\') {
        out += "\\\\";
      } else {
        out += c;
      }
    }
    out += '"';
  }
  out += "\r\n";
}

}  // namespace lumiere::output
