// `lumiere iocs update | list | check`: managing indicator files. The network is used only by `update`.
#pragma once

#include <CLI/CLI.hpp>

namespace lumiere::cli {

// Adds the `iocs` command and its subcommands to `app`. When one runs, its exit status goes to exit_code:
//   iocs update [--index URL] [--timeout SECONDS]  0 all downloaded; 2 index or any file failed
//   iocs list [-i PATH]...                         0 (1 if a loaded file has an error)
//   iocs check FILE...                             0 valid; 1 a file is unreadable/invalid JSON/invalid patterns
// Both references must outlive app.parse().
void add_iocs_commands(CLI::App& app, int& exit_code);

}  // namespace lumiere::cli
