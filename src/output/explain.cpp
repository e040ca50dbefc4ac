#include "output/explain.hpp"

#include <stdexcept>
#include <string>

#include "framework/registry.hpp"

namespace lumiere::output {
namespace {

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

namespace {

const Evidence& evidence_of(std::string_view module_slug) {
  const RegistryEntry* entry = find_module(module_registry(), module_slug);
  if (entry == nullptr) throw std::logic_error("alert from unregistered module " + std::string(module_slug));
  const Evidence* evidence = entry->descriptor().evidence;
  if (evidence == nullptr) throw std::logic_error("module " + std::string(module_slug) + " declares no evidence class");
  return *evidence;
}

}  // namespace

EvidenceClass evidence_class_of(std::string_view module_slug) {
  return evidence_of(module_slug).evidence_class;
}

Explanation explain(const Alert& alert) {
  Explanation out = evidence_of(alert.module);
  // A file named after a spyware domain (a browser's cache or local storage) records a visit, not a process.
  if (out.evidence_class == EvidenceClass::kExecution && alert.matched_indicator &&
      alert.matched_indicator->type == "domains") {
    out = evidence::kBrowsing;
  }
  if (!alert.matched_indicator) out.innocent = kHeuristicInnocent;
  return out;
}

}  // namespace lumiere::output
