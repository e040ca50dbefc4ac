// Plain-language explanations of alerts for people who are not forensic analysts: what kind of evidence an
// alert is (a process ran, a link was received, a site was visited, a setting was changed), what it means,
// and the common innocent explanations. Used by report.html and the console summary.
#pragma once

#include <string_view>

#include "framework/events.hpp"
#include "framework/evidence.hpp"

namespace lumiere::output {

using lumiere::EvidenceClass;
using Explanation = Evidence;

std::string_view to_string(EvidenceClass evidence_class) noexcept;
// One sentence on the strength of this class of evidence.
std::string_view strength(EvidenceClass evidence_class) noexcept;

// The class a module's descriptor declares (the registry is the one source); std::logic_error for a slug that
// is not a registered module or a descriptor without one (a bug: the registry test requires it).
EvidenceClass evidence_class_of(std::string_view module_slug);
Explanation explain(const Alert& alert);

}  // namespace lumiere::output
