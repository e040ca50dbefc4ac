// `lumiere scan PATH [PATH...]`: recognises each input (sources/detect.hpp), runs the matching analysis, and
// with several inputs writes one sub-folder each and prints a summary table ranked by severity.
#pragma once

#include <string>
#include <vector>

#include "cli/check.hpp"

namespace lumiere::cli {

int scan_command(const std::vector<std::string>& paths, const CheckOptions& options, const std::string& command_line);

}  // namespace lumiere::cli
