#include "framework/events.hpp"

namespace lumiere {

const char* to_string(AlertLevel level) noexcept {
  switch (level) {
    case AlertLevel::kInformational: return "INFORMATIONAL";
    case AlertLevel::kLow: return "LOW";
    case AlertLevel::kMedium: return "MEDIUM";
    case AlertLevel::kHigh: return "HIGH";
    case AlertLevel::kCritical: return "CRITICAL";
  }
  return "INFORMATIONAL";
}

const char* to_string(WarningKind kind) noexcept {
  switch (kind) {
    case WarningKind::kMissing: return "missing";
    case WarningKind::kUnsupported: return "unsupported";
    case WarningKind::kCorrupt: return "corrupt";
    case WarningKind::kFailed: return "failed";
    case WarningKind::kNote: return "note";
  }
  return "note";
}

}  // namespace lumiere
