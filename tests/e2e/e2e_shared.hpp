// What several end-to-end tests share: the public indicator file they scan with (relative to ../shared/iocs)
// and the fixture case planted for each module in the infected backup.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace lumiere::e2e {

inline constexpr const char* kPegasus = "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2";

// (module slug, fixture case) for every module. Where two modules read the same file, the first listed owns
// it. Defined in all_modules_test.cpp.
const std::vector<std::pair<std::string, std::string>>& infected_cases();

}  // namespace lumiere::e2e
