#include "cli/app.hpp"

#include <fmt/core.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <new>
#include <optional>
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
  command.add_option("-o,--output", options.output,
                     "Folder where the results are written: new or empty (created if missing)");
  command.add_flag("--force", options.force,
                   "Let -o be a folder with lumiere's earlier results: those files are removed first, nothing else");
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

// `iocs update`, and MVT's name for it (`ios download-iocs`, `android download-iocs`).
void add_update_command(CLI::App& parent, const std::string& name, const std::string& description,
                        const std::shared_ptr<IocsOptions>& options, int& exit_code) {
  auto* update = parent.add_subcommand(name, description);
  update->add_option("--index", options->index_url, "URL of an indicators.yaml index")->capture_default_str();
  update->add_option("--timeout", options->timeout_seconds, "Network timeout per request, in seconds")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  update->callback([options, &exit_code] { exit_code = iocs_update(*options); });
}

// `iocs update | list | check` (cli/iocs_command.hpp). Both references must outlive app.parse().
void add_iocs_commands(CLI::App& app, int& exit_code, const std::shared_ptr<IocsOptions>& options) {
  auto* iocs = app.add_subcommand("iocs", "Manage indicators of compromise (STIX2 files)");
  iocs->require_subcommand(1);

  add_update_command(*iocs, "update", "Download the public indicator files listed in the mvt-indicators index", options,
                     exit_code);

  auto* list = iocs->add_subcommand("list", "List the indicator files that load automatically, with counts");
  list->add_option("-i,--iocs", options->list_paths, "Also load this STIX2 file or folder");
  list->callback([options, &exit_code] { exit_code = iocs_list(*options); });

  auto* check = iocs->add_subcommand("check", "Validate STIX2 files and report what would be loaded or skipped");
  check->add_option("paths", options->check_files, "STIX2 files or folders of them")->required();
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

// Edit distance, for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string command_path(const CLI::App* command) {
  std::string path;
  for (const CLI::App* c = command; c != nullptr; c = c->get_parent()) {
    path = path.empty() ? c->get_name() : c->get_name() + " " + path;
  }
  return path;
}

void print_commands(std::FILE* stream, const CLI::App& command) {
  fmt::print(stream, "Commands of `{}`:\n", command_path(&command));
  for (const CLI::App* sub : command.get_subcommands([](const CLI::App*) { return true; })) {
    fmt::print(stream, "  {:<20} {}\n", sub->get_name(), sub->get_description());
  }
  fmt::print(stream, "Run `{} COMMAND --help` for a command's options.\n", command_path(&command));
}

// Before CLI11 parses: a missing command lists the commands; an unknown one (a typo) is named, with the
// nearest command suggested. Returns the exit code when it answered, else nothing (CLI11 takes over).
std::optional<int> answer_missing_or_unknown_command(CLI::App& app, int argc, char** argv) {
  CLI::App* current = &app;
  for (int i = 1; i < argc; ++i) {
    const std::string_view token(argv[i]);
    if (token.starts_with('-')) return std::nullopt;  // options: CLI11's job (--help, --version, ...)
    const auto subs = current->get_subcommands([](const CLI::App*) { return true; });
    if (subs.empty()) return std::nullopt;  // a positional argument of a command
    CLI::App* next = nullptr;
    for (CLI::App* sub : subs) {
      if (sub->get_name() == token) next = sub;
    }
    if (next != nullptr) {
      current = next;
      continue;
    }
    fmt::print(stderr, "lumiere: `{}` is not a command of `{}`.", token, command_path(current));
    const CLI::App* nearest = nullptr;
    std::size_t best = std::max<std::size_t>(2, token.size() / 3) + 1;
    for (const CLI::App* sub : subs) {
      const std::size_t d = edit_distance(token, sub->get_name());
      const bool prefix = token.size() >= 3 && sub->get_name().starts_with(token);
      if (d < best || (prefix && nearest == nullptr)) {
        best = prefix ? 0 : d;
        nearest = sub;
      }
    }
    if (nearest != nullptr) {
      fmt::print(stderr, " Did you mean `{} {}`?", command_path(current), nearest->get_name());
    } else {
      // MVT's habit: `check-backup` without `ios`. Name the commands one level down that have that name.
      std::vector<std::string> deeper;
      for (const CLI::App* sub : subs) {
        for (const CLI::App* inner : sub->get_subcommands([](const CLI::App*) { return true; })) {
          if (inner->get_name() == token) deeper.push_back("`" + command_path(inner) + "`");
        }
      }
      for (std::size_t k = 0; k < deeper.size(); ++k) {
        fmt::print(stderr, "{}{}", k == 0 ? " Did you mean " : " or ", deeper[k]);
      }
      if (!deeper.empty()) fmt::print(stderr, "?");
    }
    fmt::print(stderr, "\n");
    print_commands(stderr, *current);
    return kExitError;
  }
  if (current->get_subcommands([](const CLI::App*) { return true; }).empty()) return std::nullopt;
  // `lumiere` alone is a request for the list; `lumiere ios` alone is an incomplete command.
  print_commands(current == &app ? stdout : stderr, *current);
  return current == &app ? kExitClean : kExitError;
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
  const auto iocs_options = std::make_shared<IocsOptions>();
  add_iocs_commands(app, exit_code, iocs_options);
  add_update_command(*ios, "download-iocs", "Same as `lumiere iocs update` (MVT's name for it)", iocs_options,
                     exit_code);
  add_update_command(*android, "download-iocs", "Same as `lumiere iocs update` (MVT's name for it)", iocs_options,
                     exit_code);

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
  std::string demo_keep;
  auto* demo = app.add_subcommand("demo", "Build an infected example device and scan it");
  demo->add_option("-o,--output", demo_output, "Where to write the results (default: a new dated folder here)");
  demo->add_option("--keep", demo_keep,
                   "Keep the generated example backup (and its demo indicator file) in this new or empty folder");
  demo->callback([&] {
    exit_code =
        run_demo(demo_output.empty() ? default_output_dir("demo") : std::filesystem::path(demo_output), demo_keep);
  });

  if (const auto answered = answer_missing_or_unknown_command(app, argc, argv)) return *answered;
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
  } catch (const std::bad_alloc&) {
    // Modules are caught one by one (framework/runner.cpp); this is what is left outside them: an error, never
    // an abort.
    fmt::print(stderr, "lumiere: out of memory (an input too large for this machine's memory limit?)\n");
    return kExitError;
  } catch (const std::exception& e) {
    fmt::print(stderr, "lumiere: internal error: {}\n", e.what());
    return kExitError;
  }
  return exit_code;
}

}  // namespace lumiere::cli
