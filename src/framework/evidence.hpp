// What kind of evidence a module's alerts are, in plain words for people who are not forensic analysts (the
// report and the console summary explain alerts with it). Each module's descriptor names one of these.
#pragma once

#include <string_view>

namespace lumiere {

enum class EvidenceClass { kExecution, kDelivery, kBrowsing, kConfiguration, kOther };

struct Evidence {
  EvidenceClass evidence_class = EvidenceClass::kOther;
  std::string_view meaning;   // what an alert of this class says about the device
  std::string_view innocent;  // common innocent explanations
};

namespace evidence {

// Process names, files and executables that spyware leaves while it runs.
inline constexpr Evidence kExecution{
    EvidenceClass::kExecution,
    "The phone kept a record of a program or file whose name is known from spyware investigations. This is the "
    "strongest kind of evidence: it suggests the spyware ran on this device.",
    "Rare. A very short or generic indicator name can collide with an ordinary program; an expert should check "
    "the record and its date."};
inline constexpr Evidence kDelivery{
    EvidenceClass::kDelivery,
    "A message, call, lookup or invitation on this phone involves an address or link used to deliver spyware. "
    "It shows that someone tried to reach the device, not that the attack succeeded.",
    "The link may never have been opened; it may have been forwarded by someone else, or be a news article or "
    "research report quoting the indicator."};
inline constexpr Evidence kBrowsing{
    EvidenceClass::kBrowsing,
    "A browser on this phone visited or loaded a site listed as spyware infrastructure. Exploit links are often "
    "opened this way, but a visit alone does not prove an infection.",
    "Visiting a spyware vendor's public website, reading about an investigation, or a researcher looking up the "
    "domain all leave the same trace."};
inline constexpr Evidence kConfiguration{
    EvidenceClass::kConfiguration,
    "A setting, profile, shortcut or permission on the phone matches something known from spyware or deserves a "
    "look: it can give an attacker control or hide activity.",
    "Employers, schools and mobile-device management install profiles and change settings; many such alerts "
    "describe ordinary administration."};
// Modules whose records are context (device identity, contacts) rather than one of the classes above.
inline constexpr Evidence kOther{EvidenceClass::kOther,
                                 "A record on the phone matches a known indicator or a suspicious pattern.",
                                 "Review the record with an expert before drawing conclusions."};

}  // namespace evidence
}  // namespace lumiere
