// The public indicator file the end-to-end tests scan with (relative to ../shared/iocs).
#pragma once

namespace lumiere::e2e {

inline constexpr const char* kPegasus = "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2";

}  // namespace lumiere::e2e
