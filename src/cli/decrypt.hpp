// `lumiere ios decrypt-backup` and `lumiere ios extract-key` (spec §6.1): the decrypted backup is a plain
// backup layout that check-backup (ours and MVT's) reads; the key is the 64-hex-digit derived backup key
// that -k/--key-file accepts.
#pragma once

#include <filesystem>
#include <string>

#include "cli/backup_secret.hpp"

namespace lumiere::cli {

struct DecryptOptions {
  std::string destination;
  bool hashes = false;  // print the SHA-256 of every written file (sha256sum format) on stdout
  SecretOptions secret;
};

// Returns the exit code.
int decrypt_ios_backup(const std::filesystem::path& backup_path, const DecryptOptions& options);

// Prints the key, or writes it (64 hex digits, no newline, mode 0600) to `key_file` when not empty.
int extract_ios_key(const std::filesystem::path& backup_path, const SecretOptions& secret, const std::string& key_file);

}  // namespace lumiere::cli
