// Golden fixture cases: tests/fixtures/<module-id>/<case>/case.json describes evidence to build (a backup's
// files, SQL scripts next to it, corruptions to apply) and the indicators to load; expected.json holds the
// reviewed canonical output. UPDATE_GOLDEN=1 rewrites expected.json after a reviewed change.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"

namespace lumiere::test {

struct FixtureCase {
  std::string module_id;
  std::string name;
  std::filesystem::path directory;
  Json spec;
};

// Every case folder under tests/fixtures/<module_id>/ (sorted).
std::vector<FixtureCase> fixture_cases(const std::string& module_id);
// Every module-id folder under tests/fixtures/.
std::vector<std::string> fixture_module_ids();

// Builds the iOS backup that spec["backup"] describes under `root`.
void build_backup_from_spec(const FixtureCase& fixture, const std::filesystem::path& root);

// Indicator files named by spec["iocs"] (paths relative to ../shared/iocs) and spec["iocs_inline"] (written
// to `scratch`).
std::vector<std::filesystem::path> case_indicator_files(const FixtureCase& fixture,
                                                        const std::filesystem::path& scratch);

// Runs the case's module on its evidence and returns the canonical output:
// {"status", "results", "alerts", "warnings", "timeline"} or {"open_error"}.
Json run_fixture_case(const FixtureCase& fixture);

// The case of `module_id` whose case.json says "role": `role` ("hit", "clean", "missing", "malformed").
// Every module has one of each (tests/framework/registry_test.cpp); the hit is the one planted end to end.
std::optional<FixtureCase> case_with_role(const std::string& module_id, std::string_view role);

// Every registered module's case of `role`, in registry order, assembled into one backup spec (script paths
// made absolute, Info.plist keys merged), and the indicator files they name. A file that two cases carry
// belongs to the module whose descriptor locates it (else to the first case): the other copies are dropped.
struct AssembledCases {
  Json spec;
  std::vector<FixtureCase> cases;
  std::set<std::string> iocs;
};
AssembledCases assemble_role_cases(std::string_view role);

}  // namespace lumiere::test
