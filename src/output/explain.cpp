#include "output/explain.hpp"

#include <array>

namespace lumiere::output {
namespace {

struct ModuleClass {
  std::string_view slug;
  EvidenceClass evidence_class;
};

// Process names, files and executables that spyware leaves while it runs.
constexpr std::array kModuleClasses{
    ModuleClass{"datausage", EvidenceClass::kExecution},
    ModuleClass{"netusage", EvidenceClass::kExecution},
    ModuleClass{"os_analytics_ad_daily", EvidenceClass::kExecution},
    ModuleClass{"locationd_clients", EvidenceClass::kExecution},
    ModuleClass{"manifest", EvidenceClass::kExecution},
    ModuleClass{"filesystem", EvidenceClass::kExecution},
    ModuleClass{"shutdown_log", EvidenceClass::kExecution},
    ModuleClass{"analytics", EvidenceClass::kExecution},
    ModuleClass{"applications", EvidenceClass::kExecution},
    ModuleClass{"sms", EvidenceClass::kDelivery},
    ModuleClass{"sms_attachments", EvidenceClass::kDelivery},
    ModuleClass{"whatsapp", EvidenceClass::kDelivery},
    ModuleClass{"id_status_cache", EvidenceClass::kDelivery},
    ModuleClass{"calendar", EvidenceClass::kDelivery},
    ModuleClass{"interaction_c", EvidenceClass::kDelivery},
    ModuleClass{"calls", EvidenceClass::kDelivery},
    ModuleClass{"safari_history", EvidenceClass::kBrowsing},
    ModuleClass{"safari_browser_state", EvidenceClass::kBrowsing},
    ModuleClass{"safari_favicon", EvidenceClass::kBrowsing},
    ModuleClass{"chrome_history", EvidenceClass::kBrowsing},
    ModuleClass{"chrome_favicon", EvidenceClass::kBrowsing},
    ModuleClass{"firefox_history", EvidenceClass::kBrowsing},
    ModuleClass{"firefox_favicon", EvidenceClass::kBrowsing},
    ModuleClass{"webkit_resource_load_statistics", EvidenceClass::kBrowsing},
    ModuleClass{"webkit_session_resource_log", EvidenceClass::kBrowsing},
    ModuleClass{"webkit_indexeddb", EvidenceClass::kBrowsing},
    ModuleClass{"webkit_local_storage", EvidenceClass::kBrowsing},
    ModuleClass{"webkit_safari_view_service", EvidenceClass::kBrowsing},
    ModuleClass{"cache_files", EvidenceClass::kBrowsing},
    ModuleClass{"configuration_profiles", EvidenceClass::kConfiguration},
    ModuleClass{"profile_events", EvidenceClass::kConfiguration},
    ModuleClass{"global_preferences", EvidenceClass::kConfiguration},
    ModuleClass{"shortcuts", EvidenceClass::kConfiguration},
    ModuleClass{"tcc", EvidenceClass::kConfiguration},
};

constexpr std::string_view kExecutionMeaning =
    "The phone kept a record of a program or file whose name is known from spyware investigations. This is the "
    "strongest kind of evidence: it suggests the spyware ran on this device.";
constexpr std::string_view kExecutionInnocent =
    "Rare. A very short or generic indicator name can collide with an ordinary program; an expert should check "
    "the record and its date.";
constexpr std::string_view kDeliveryMeaning =
    "A message, call, lookup or invitation on this phone involves an address or link used to deliver spyware. "
    "It shows that someone tried to reach the device, not that the attack succeeded.";
constexpr std::string_view kDeliveryInnocent =
    "The link may never have been opened; it may have been forwarded by someone else, or be a news article or "
    "research report quoting the indicator.";
constexpr std::string_view kBrowsingMeaning =
    "A browser on this phone visited or loaded a site listed as spyware infrastructure. Exploit links are often "
    "opened this way, but a visit alone does not prove an infection.";
constexpr std::string_view kBrowsingInnocent =
    "Visiting a spyware vendor's public website, reading about an investigation, or a researcher looking up the "
    "domain all leave the same trace.";
constexpr std::string_view kConfigurationMeaning =
    "A setting, profile, shortcut or permission on the phone matches something known from spyware or deserves a "
    "look: it can give an attacker control or hide activity.";
constexpr std::string_view kConfigurationInnocent =
    "Employers, schools and mobile-device management install profiles and change settings; many such alerts "
    "describe ordinary administration.";
constexpr std::string_view kOtherMeaning = "A record on the phone matches a known indicator or a suspicious pattern.";
constexpr std::string_view kOtherInnocent = "Review the record with an expert before drawing conclusions.";
constexpr std::string_view kHeuristicInnocent =
    "This alert comes from a pattern, not from a known indicator: it is often caused by ordinary events and needs "
    "expert review.";

}  // namespace

std::string_view to_string(EvidenceClass evidence_class) noexcept {
  switch (evidence_class) {
    case EvidenceClass::kExecution: return "execution";
    case EvidenceClass::kDelivery: return "delivery";
    case EvidenceClass::kBrowsing: return "browsing";
    case EvidenceClass::kConfiguration: return "configuration";
    case EvidenceClass::kOther: return "other";
  }
  return "other";
}

std::string_view strength(EvidenceClass evidence_class) noexcept {
  switch (evidence_class) {
    case EvidenceClass::kExecution: return "Strong: something ran or was written on the device.";
    case EvidenceClass::kDelivery: return "Medium: an attempt to reach the device.";
    case EvidenceClass::kBrowsing: return "Weaker: a visit, which can be innocent.";
    case EvidenceClass::kConfiguration: return "Depends on the setting: needs review.";
    case EvidenceClass::kOther: return "Needs review.";
  }
  return "Needs review.";
}

EvidenceClass evidence_class_of(std::string_view module_slug) noexcept {
  for (const auto& entry : kModuleClasses) {
    if (entry.slug == module_slug) return entry.evidence_class;
  }
  return EvidenceClass::kOther;
}

Explanation explain(const Alert& alert) noexcept {
  EvidenceClass evidence_class = evidence_class_of(alert.module);
  // A file named after a spyware domain (a browser's cache or local storage) records a visit, not a process.
  if (evidence_class == EvidenceClass::kExecution && alert.matched_indicator &&
      alert.matched_indicator->type == "domains") {
    evidence_class = EvidenceClass::kBrowsing;
  }
  Explanation out{evidence_class, kOtherMeaning, kOtherInnocent};
  switch (evidence_class) {
    case EvidenceClass::kExecution: out = {evidence_class, kExecutionMeaning, kExecutionInnocent}; break;
    case EvidenceClass::kDelivery: out = {evidence_class, kDeliveryMeaning, kDeliveryInnocent}; break;
    case EvidenceClass::kBrowsing: out = {evidence_class, kBrowsingMeaning, kBrowsingInnocent}; break;
    case EvidenceClass::kConfiguration: out = {evidence_class, kConfigurationMeaning, kConfigurationInnocent}; break;
    case EvidenceClass::kOther: break;
  }
  if (!alert.matched_indicator) out.innocent = kHeuristicInnocent;
  return out;
}

}  // namespace lumiere::output
