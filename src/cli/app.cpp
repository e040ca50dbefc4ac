#include "cli/app.hpp"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <array>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli/backup_secret.hpp"
#include "cli/check.hpp"
#include "cli/decrypt.hpp"
#include "cli/demo.hpp"
#include "cli/iocs_command.hpp"
#include "cli/scan.hpp"
#include "core/version.hpp"

namespace lumiere::cli {

int exit_code_for(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSpywareSigns: return kExitAlerts;
    case Verdict::kInconclusive: return kExitInconclusive;
    case Verdict::kNeedsReview:
    case Verdict::kNoSign: break;
  }
  return kExitClean;
}

namespace {

// The command line as logged in command.log: a password given with -p/--password is masked.
std::string join_args(int argc, char** argv) {
  std::string out;
  bool mask_next = false;
  for (int i = 0; i < argc; ++i) {
    if (i > 0) out += ' ';
    const std::string_view arg(argv[i]);
    if (mask_next) {
      out += "***";
      mask_next = false;
    } else if (arg == "-p" || arg == "--password") {
      out += arg;
      mask_next = true;
    } else if (arg.starts_with("--password=")) {
      out += "--password=***";
    } else if (arg.starts_with("-p") && arg.size() > 2 && arg[2] != '-') {
      out += "-p***";
    } else {
      out += arg;
    }
  }
  return out;
}

// -p/--password, --password-file and, with `with_key_file`, -k/--key-file.
void add_secret_options(CLI::App& command, SecretOptions& options, bool with_key_file = true) {
  command.add_option("-p,--password", options.password,
                     "Password of an encrypted backup (quote it; or use --password-file, " + std::string(kPasswordEnv) +
                         " or the prompt)");
  command.add_option("--password-file", options.password_file,
                     "File holding the password (one trailing newline is ignored)");
  if (with_key_file) {
    command.add_option("-k,--key-file", options.key_file,
                       "File holding the 64-hex-digit key of an encrypted backup (from `lumiere ios extract-key`)");
  }
}

// -i/--iocs, -o/--output, -l/--list-modules, -m/--module, -H/--hashes, -v/--verbose, -f/--fast (spec §2.2),
// and the secret of an encrypted backup (-p/--password, --password-file, -k/--key-file).
void add_check_options(CLI::App& command, CheckOptions& options, bool with_fast = true) {
  command.add_option("-i,--iocs", options.iocs, "STIX2 indicator file or folder (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingPath);
  command.add_option("-o,--output", options.output, "Folder where the results are written (created if missing)");
  command.add_flag("-l,--list-modules", options.list_modules, "List the modules and exit");
  command.add_option("-m,--module", options.module, "Run only this module (and what it depends on)");
  command.add_flag("-H,--hashes", options.hashes, "Record the SHA-256 of every input file in info.json");
  command.add_flag("-v,--verbose", options.verbose, "Show every log message");
  command.add_option("-j,--jobs", options.jobs,
                     "Modules run at once, and files hashed at once with --hashes (default: the core count); "
                     "the output is the same whatever the number");
  if (with_fast) {
    // Commands that read the evidence (not check-iocs, which re-checks stored results and writes nothing).
    command.add_flag("-f,--fast", options.fast, "Skip the slowest checks");
    command.add_flag("--timesketch", options.timesketch,
                     "Also write timeline.jsonl: the timeline in Timesketch's JSONL import format, with each row's "
                     "record");
  }
  command.add_flag("--resolve-short-urls", options.resolve_short_urls,
                   "Expand links through URL shorteners with HTTP HEAD requests (network use; off by default)");
  command.add_flag("--keep-going", options.keep_going,
                   "Go on when an indicator file given with -i cannot be loaded (it is reported, not used)");
  add_secret_options(command, options.secret);
}

// `iocs update | list | check` (cli/iocs_command.hpp). Both references must outlive app.parse().
void add_iocs_commands(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<IocsOptions>();
  auto* iocs = app.add_subcommand("iocs", "Manage indicators of compromise (STIX2 files)");
  iocs->require_subcommand(1);

  auto* update =
      iocs->add_subcommand("update", "Download the public indicator files listed in the mvt-indicators index");
  update->add_option("--index", options->index_url, "URL of an indicators.yaml index")->capture_default_str();
  update->add_option("--timeout", options->timeout_seconds, "Network timeout per request, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  update->callback([options, &exit_code] { exit_code = iocs_update(*options); });

  auto* list = iocs->add_subcommand("list", "List the indicator files that load automatically, with counts");
  list->add_option("-i,--iocs", options->list_paths, "Also load this STIX2 file or folder");
  list->callback([options, &exit_code] { exit_code = iocs_list(*options); });

  auto* check = iocs->add_subcommand("check", "Validate STIX2 files and report what would be loaded or skipped");
  check->add_option("files", options->check_files, "STIX2 files")->required();
  check->callback([options, &exit_code] { exit_code = iocs_check(*options); });
}

// A subcommand whose capability is not built yet: it exists (so the command table is honest about what is
// coming) and says so with a non-zero exit, never with fake output.
void add_pending(CLI::App& parent, const std::string& name, const std::string& description, int& exit_code,
                 const std::string& what) {
  auto* cmd = parent.add_subcommand(name, description + " (not supported yet)");
  cmd->allow_extras();
  cmd->callback([&exit_code, what] { exit_code = not_supported_yet(what); });
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"lumiere: find traces of mercenary spyware on iOS and Android evidence", "lumiere"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("lumiere ") + kVersion);
  int exit_code = kExitClean;
  const std::string command_line = join_args(argc, argv);

  // ios
  auto* ios = app.add_subcommand("ios", "Analyse iPhone evidence");
  ios->require_subcommand(1);
  CheckOptions backup_options;
  std::string backup_path;
  auto* check_backup = ios->add_subcommand("check-backup", "Check an iTunes/Finder backup");
  add_check_options(*check_backup, backup_options);
  // Optional for the parser so that --list-modules needs no backup; required otherwise (checked below).
  check_backup->add_option("BACKUP_PATH", backup_path, "The backup folder");
  check_backup->callback([&] {
    if (backup_path.empty() && !backup_options.list_modules) {
      fmt::print(stderr, "lumiere: ios check-backup: BACKUP_PATH is required\n");
      exit_code = kExitError;
      return;
    }
    exit_code = check_ios_backup(backup_path, backup_options, command_line);
  });
  add_pending(*ios, "check-fs", "Check a full filesystem dump", exit_code, "ios check-fs (filesystem dumps)");
  CheckOptions recheck_options;
  std::string recheck_folder;
  auto* ios_check_iocs = ios->add_subcommand("check-iocs", "Re-check stored results against the current indicators");
  ios_check_iocs->add_option("-i,--iocs", recheck_options.iocs, "STIX2 indicator file or folder (repeatable)")
      ->allow_extra_args(false)
      ->check(CLI::ExistingPath);
  ios_check_iocs->add_flag("-l,--list-modules", recheck_options.list_modules, "List the modules and exit");
  ios_check_iocs->add_option("-m,--module", recheck_options.module, "Re-check only this module's results");
  ios_check_iocs->add_flag("-v,--verbose", recheck_options.verbose, "Show every log message");
  ios_check_iocs->add_option("FOLDER", recheck_folder, "The output folder of an earlier check");
  ios_check_iocs->callback([&] {
    static constexpr std::array kIosSources{SourceKind::kIosBackup, SourceKind::kIosFilesystem};
    exit_code = check_iocs(recheck_folder, recheck_options, kIosSources);
  });
  DecryptOptions decrypt_options;
  std::string decrypt_path;
  auto* decrypt = ios->add_subcommand("decrypt-backup", "Decrypt an encrypted backup into a plain backup folder");
  decrypt->add_option("-d,--destination", decrypt_options.destination, "New folder for the decrypted backup")
      ->required();
  decrypt->add_flag("-H,--hashes", decrypt_options.hashes,
                    "Print the SHA-256 of every written file (sha256sum format) on stdout");
  add_secret_options(*decrypt, decrypt_options.secret);
  decrypt->add_option("BACKUP_PATH", decrypt_path, "The encrypted backup folder")->required();
  decrypt->callback([&] { exit_code = decrypt_ios_backup(decrypt_path, decrypt_options); });

  SecretOptions key_secret;
  std::string key_path;
  std::string key_output;
  auto* extract_key = ios->add_subcommand("extract-key", "Derive the decryption key of an encrypted backup");
  extract_key->add_option("-k,--key-file", key_output, "Write the key to this file instead of printing it");
  add_secret_options(*extract_key, key_secret, /*with_key_file=*/false);
  extract_key->add_option("BACKUP_PATH", key_path, "The encrypted backup folder")->required();
  extract_key->callback([&] { exit_code = extract_ios_key(key_path, key_secret, key_output); });
  add_pending(*ios, "check-sysdiagnose", "Check a sysdiagnose archive", exit_code, "ios check-sysdiagnose");

  // android
  auto* android = app.add_subcommand("android", "Analyse Android evidence");
  android->require_subcommand(1);
  add_pending(*android, "check-bugreport", "Check an Android bugreport", exit_code, "android check-bugreport");
  add_pending(*android, "check-androidqf", "Check an androidqf acquisition", exit_code, "android check-androidqf");
  add_pending(*android, "check-backup", "Check an Android backup (.ab)", exit_code, "android check-backup");
  add_pending(*android, "check-iocs", "Re-check stored results against the current indicators", exit_code,
              "android check-iocs");

  // iocs
  add_iocs_commands(app, exit_code);

  // scan
  std::vector<std::string> scan_paths;
  CheckOptions scan_options;
  auto* scan = app.add_subcommand("scan", "Recognise the evidence and run the matching analysis");
  add_check_options(*scan, scan_options);
  scan->add_option("PATH", scan_paths,
                   "Evidence: iOS backup (plain or encrypted), iOS filesystem dump, sysdiagnose, Android bugreport, "
                   "androidqf, Android backup (.ab); several allowed")
      ->required();
  scan->callback([&] { exit_code = scan_command(scan_paths, scan_options, command_line); });

  // demo
  std::string demo_output;
  auto* demo = app.add_subcommand("demo", "Build an infected example device and scan it");
  demo->add_option("-o,--output", demo_output, "Where to write the results (default: a new dated folder here)");
  demo->callback([&] {
    exit_code = run_demo(demo_output.empty() ? default_output_dir("demo") : std::filesystem::path(demo_output));
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitError;
  }
  return exit_code;
}

}  // namespace lumiere::cli
