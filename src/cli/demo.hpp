#pragma once

#include <filesystem>

#include "core/result.hpp"

namespace lumiere::cli {

// Builds the demo's infected example backup under `root` (which must not exist or be empty).
Result<void> build_demo_backup(const std::filesystem::path& root);
// The demo's small indicator set: a handful of public Pegasus indicators (Amnesty International Security
// Lab, 2021-07-18_nso, CC-BY 2.0), typed in as a STIX2 bundle.
const char* demo_stix2();

// `lumiere demo [-o DIR]`: returns the exit code (0 when the demo ran, whatever it found).
int run_demo(const std::filesystem::path& output);

}  // namespace lumiere::cli
