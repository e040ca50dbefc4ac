// Plain-language explanations of alerts for people who are not forensic analysts: what kind of evidence an
// alert is (a process ran, a link was received, a site was visited, a setting was changed), what it means,
// and the common innocent explanations. Used by report.html and the console summary.
#pragma once

#include <string_view>

#include "framework/events.hpp"

namespace lumiere::output {

enum class EvidenceClass { kExecution, kDelivery, kBrowsing, kConfiguration, kOther };

struct Explanation {
  EvidenceClass evidence_class = EvidenceClass::kOther;
  std::string_view meaning;   // what this alert says about the device
  std::string_view innocent;  // common innocent explanations
};

std::string_view to_string(EvidenceClass evidence_class) noexcept;
// One sentence on the strength of this class of evidence.
std::string_view strength(EvidenceClass evidence_class) noexcept;

EvidenceClass evidence_class_of(std::string_view module_slug) noexcept;
Explanation explain(const Alert& alert) noexcept;

}  // namespace lumiere::output
