// The demo's infected example iPhone backup and its small indicator set: used by `lumiere demo`, the tests
// (a whole analysis without the command line) and the benchmarks.
#pragma once

#include <filesystem>

#include "core/result.hpp"

namespace lumiere::testing {

// Builds the demo's infected example backup under `root` (which must not exist or be empty).
Result<void> build_demo_backup(const std::filesystem::path& root);
// The demo's small indicator set: a handful of public Pegasus indicators (Amnesty International Security
// Lab, 2021-07-18_nso, CC-BY 2.0), typed in as a STIX2 bundle.
const char* demo_stix2();
// The handle and message tables of an iOS 15 sms.db (CREATE TABLE statements), for tests that fill them.
const char* ios15_sms_schema();

}  // namespace lumiere::testing
