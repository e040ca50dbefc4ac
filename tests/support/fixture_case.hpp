// Golden fixture cases: tests/fixtures/<module-id>/<case>/case.json describes evidence to build (a backup's
// files, SQL scripts next to it, corruptions to apply) and the indicators to load; expected.json holds the
// reviewed canonical output. UPDATE_GOLDEN=1 rewrites expected.json after a reviewed change.
#pragma once

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.hpp"

namespace lumiere::sources {
class Source;
}

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

// --- The same files as a filesystem dump (sources/ios_paths.hpp places) ---

// How the twin of a backup case is handed to the module.
enum class TwinShape { kFolder, kWrappedFolder, kTarGz, kZip, kZipInZip };
std::string to_string(TwinShape shape);

// Whether the case can be built as a filesystem dump: no Info.plist overrides read by the module, no
// Manifest.db steps, no raw Manifest rows, only domains with a filesystem place.
bool has_filesystem_twin(const FixtureCase& fixture);

// Writes the files of spec["backup"] at their filesystem places under `root` (app containers get a fixed
// UUID-named folder) and applies the "blob_of" damage steps to them. Returns backup provenance → logical path
// ("HomeDomain/Library/SMS/sms.db" → "private/var/mobile/Library/SMS/sms.db", and "<id[0:2]>/<id>" → the same).
std::vector<std::pair<std::string, std::string>> build_tree_from_spec(const FixtureCase& fixture,
                                                                      const std::filesystem::path& root);

// One member of an archive written by write_archive.
struct ArchiveMember {
  enum class Type { kFile, kDirectory, kSymlink, kHardlink, kFifo };
  std::string name;
  std::string content;
  Type type = Type::kFile;
  std::string target;  // link target
};
enum class ArchiveFormat { kTar, kTarGz, kZip };
// Writes `members` as an archive with libarchive's writer.
void write_archive(const std::filesystem::path& file, ArchiveFormat format, const std::vector<ArchiveMember>& members);
// Every regular file and folder under `root`, names relative to it, with `prefix` in front.
std::vector<ArchiveMember> tree_members(const std::filesystem::path& root, const std::string& prefix = "");

// Runs the case's module (and its dependencies) on any source, with the case's indicators; canonical output.
Json run_fixture_on_source(const FixtureCase& fixture, const sources::Source& source);

// Runs the case's module on its filesystem twin (built in a temporary folder) and returns the canonical
// output with the filesystem names; `provenance` gets the mapping of build_tree_from_spec.
Json run_fixture_twin(const FixtureCase& fixture, TwinShape shape,
                      std::vector<std::pair<std::string, std::string>>* provenance = nullptr);

}  // namespace lumiere::test
