#include "cli/demo.hpp"

#include <fmt/core.h>

#include "cli/app.hpp"
#include "cli/check.hpp"
#include "core/temp_dir.hpp"
#include "output/mvt_files.hpp"
#include "testing/demo_backup.hpp"

namespace lumiere::cli {

int run_demo(const std::filesystem::path& output) {
  auto work = PrivateTempDir::create("lumiere-demo");
  if (!work) {
    fmt::print(stderr, "lumiere: {}\n", work.error().describe());
    return kExitError;
  }
  const auto backup = work->path() / "backup";
  if (auto ok = testing::build_demo_backup(backup); !ok) {
    fmt::print(stderr, "lumiere: cannot build the demo backup: {}\n", ok.error().describe());
    return kExitError;
  }
  const auto iocs = work->path() / "demo-pegasus.stix2";
  if (auto ok = output::write_text_file(iocs, testing::demo_stix2()); !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
    return kExitError;
  }
  fmt::print(
      "lumiere demo: scanning a generated example iPhone backup (with planted Pegasus traces)\n"
      "against a small demo set of public Pegasus indicators.\n");
  CheckOptions options;
  options.iocs.push_back(iocs.string());
  options.output = output.string();
  options.only_given_iocs = true;
  const int code = check_ios_backup(backup, options, "lumiere demo");
  // The demo succeeded if it reached a verdict, whatever that verdict is.
  return code == kExitError ? kExitError : kExitClean;
}

}  // namespace lumiere::cli
