// Base64 (RFC 4648 standard alphabet, '=' padding): MVT writes binary plist values with Python's
// base64.b64encode, and IOC/config files carry base64 text.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace lumiere {

std::string base64_encode(std::span<const std::uint8_t> data);
std::string base64_encode(std::string_view data);

// Strict: the length must be a multiple of 4, only the standard alphabet, '=' only as the last one or two
// characters, no whitespace. Like Python's b64decode, non-zero bits left over before the padding are ignored.
Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);

}  // namespace lumiere
