// The bytes of a string literal: binary test inputs of the plist and NSKeyedArchiver tests.
#pragma once

#include <string_view>

#include "core/plist.hpp"

namespace lumiere::plist::test_bytes {

inline Bytes to_bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

}  // namespace lumiere::plist::test_bytes
