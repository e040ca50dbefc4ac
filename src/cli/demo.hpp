#pragma once

#include <filesystem>

namespace lumiere::cli {

// `lumiere demo [-o DIR] [--keep DIR]`: builds an example infected iPhone backup and checks it; returns the
// exit code (0 when the demo ran, whatever it found). With `keep` (a new or empty folder) the example
// backup and its demo indicator file stay there, so that a user can run other commands on them.
int run_demo(const std::filesystem::path& output, const std::filesystem::path& keep = {});

}  // namespace lumiere::cli
