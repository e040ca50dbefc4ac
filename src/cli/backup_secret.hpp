// How the user gives the secret of an encrypted iOS backup: -p/--password, --password-file, -k/--key-file,
// LUMIERE_BACKUP_PASSWORD, or (only on a terminal) a prompt without echo, which avoids shell quoting of
// passwords with `!`, `$`, quotes or spaces.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::cli {

inline constexpr const char* kPasswordEnv = "LUMIERE_BACKUP_PASSWORD";

struct SecretOptions {
  std::optional<std::string> password;
  std::string password_file;
  std::string key_file;  // 64 hex digits (extract-key's output); a trailing newline is tolerated
};

// The secret from the options, else LUMIERE_BACKUP_PASSWORD, else a no-echo prompt when stdin is a terminal;
// nullopt when there is none. kInvalidArgument for several at once, an unreadable file or a malformed key.
Result<std::optional<sources::BackupSecret>> resolve_secret(const SecretOptions& options);

// What to tell a user whose backup is encrypted and who gave no secret.
std::string encrypted_backup_hint(const std::filesystem::path& root);

// A user-facing line for an unlock failure (wrong password, unsupported keybag, ...), with what to do.
std::string unlock_error_message(const Error& error);

// Opens the backup and, when it is encrypted, unlocks it with the resolved secret. Prints the error and
// returns nullopt on failure (the caller exits with kExitError).
std::optional<sources::IosBackup> open_backup_for_reading(const std::filesystem::path& path,
                                                          const SecretOptions& options);

}  // namespace lumiere::cli
