// `lumiere iocs update | list | check`: managing indicator files. The network is used only by `update`.
// The command line itself (options, subcommands) is declared in app.cpp, the one unit that includes CLI11.
#pragma once

#include <string>
#include <vector>

#include "indicators/update.hpp"

namespace lumiere::cli {

struct IocsOptions {
  std::string index_url = ioc::kDefaultIndexUrl;
  double timeout_seconds = 15.0;
  std::vector<std::string> list_paths;
  std::vector<std::string> check_files;
};

// Each returns the command's exit status:
//   iocs update [--index URL] [--timeout SECONDS]  0 all downloaded; 2 index or any file failed
//   iocs list [-i PATH]...                         0 (1 if a loaded file has an error)
//   iocs check FILE...                             0 valid; 1 a file is unreadable/invalid JSON/invalid patterns
int iocs_update(const IocsOptions& options);
int iocs_list(const IocsOptions& options);
int iocs_check(const IocsOptions& options);

}  // namespace lumiere::cli
