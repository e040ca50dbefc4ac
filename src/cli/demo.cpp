#include "cli/demo.hpp"

#include <fmt/core.h>

#include <optional>

#include "cli/app.hpp"
#include "cli/check.hpp"
#include "core/temp_dir.hpp"
#include "output/mvt_files.hpp"
#include "testing/demo_backup.hpp"

namespace lumiere::cli {

int run_demo(const std::filesystem::path& output, const std::filesystem::path& keep) {
  namespace fs = std::filesystem;
  std::optional<PrivateTempDir> work;
  fs::path where = keep;
  if (keep.empty()) {
    auto created = PrivateTempDir::create("lumiere-demo");
    if (!created) {
      fmt::print(stderr, "lumiere: {}\n", created.error().describe());
      return kExitError;
    }
    work.emplace(std::move(*created));
    where = work->path();
  } else {
    std::error_code ec;
    if (fs::exists(keep, ec) && !(fs::is_directory(keep, ec) && fs::is_empty(keep, ec))) {
      fmt::print(stderr, "lumiere: {}: --keep needs a new or empty folder\n", keep.string());
      return kExitError;
    }
    if (is_inside(output, keep) || is_inside(keep, output)) {
      fmt::print(stderr, "lumiere: --keep and -o must be two separate folders\n");
      return kExitError;
    }
  }
  const auto backup = where / "backup";
  if (auto ok = testing::build_demo_backup(backup); !ok) {
    fmt::print(stderr, "lumiere: cannot build the demo backup: {}\n", ok.error().describe());
    return kExitError;
  }
  const auto iocs = where / "demo-pegasus.stix2";
  if (auto ok = output::write_text_file(iocs, testing::demo_stix2()); !ok) {
    fmt::print(stderr, "lumiere: {}\n", ok.error().describe());
    return kExitError;
  }
  fmt::print(
      "lumiere demo: checking an EXAMPLE iPhone backup that lumiere generated, with planted Pegasus traces,\n"
      "against a small demo set of public Pegasus indicators. It is not a real phone and says nothing about yours.\n");
  std::fflush(stdout);
  CheckOptions options;
  options.iocs.push_back(iocs.string());
  options.output = output.string();
  options.only_given_iocs = true;
  options.example_device = true;
  const int code = check_ios_backup(backup, options, "lumiere demo");
  if (code != kExitError) {
    fmt::print("\nThis was a demo on an example device. To check a phone, see the README.\n");
    if (!keep.empty()) {
      std::error_code ec;
      const fs::path kept = fs::absolute(keep, ec);
      fmt::print(
          "The example backup is kept in {0}/backup. Try:\n"
          "  lumiere ios check-backup -i {0}/demo-pegasus.stix2 -o demo-again {0}/backup\n",
          kept.string());
    }
  }
  // The demo succeeded if it reached a verdict, whatever that verdict is.
  return code == kExitError ? kExitError : kExitClean;
}

}  // namespace lumiere::cli
