#include "core/result.hpp"

namespace lumiere {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kIo: return "I/O error";
    case ErrorCode::kParse: return "parse error";
    case ErrorCode::kCorrupt: return "corrupt";
    case ErrorCode::kUnsupported: return "unsupported";
    case ErrorCode::kEncrypted: return "encrypted";
    case ErrorCode::kWrongPassword: return "wrong password";
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kLimitExceeded: return "limit exceeded";
    case ErrorCode::kNetwork: return "network error";
    case ErrorCode::kInternal: return "internal error";
  }
  return "error";
}

std::string Error::describe() const {
  if (path.empty()) return message;
  return path + ": " + message;
}

}  // namespace lumiere
