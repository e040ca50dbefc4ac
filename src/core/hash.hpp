// Digests through OpenSSL: file IDs of iOS backups (SHA-1), evidence hashes (SHA-256).
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.hpp"

namespace lumiere::hash {

std::string sha1_hex(std::string_view data);
std::string sha256_hex(std::string_view data);
// Streams the file; never loads it whole.
Result<std::string> sha256_file(const std::filesystem::path& file);

}  // namespace lumiere::hash
