#pragma once

#include <filesystem>

namespace lumiere::cli {

// `lumiere demo [-o DIR]`: returns the exit code (0 when the demo ran, whatever it found).
int run_demo(const std::filesystem::path& output);

}  // namespace lumiere::cli
