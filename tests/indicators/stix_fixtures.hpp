// Builders of small STIX2 bundles for the indicator tests (the real public files are read in place from
// ../shared/iocs by other tests).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace lumiere::test {

// A bundle with one malware object named `malware` and one indicator per pattern, each linked to the
// malware by an "indicates" relationship (the shape of Amnesty and mvt-indicators files).
inline std::string stix_bundle(const std::string& malware, const std::vector<std::string>& patterns,
                               const std::string& prefix = "t") {
  nlohmann::json objects = nlohmann::json::array();
  const std::string malware_id = "malware--" + prefix + "-" + malware;
  objects.push_back({{"type", "malware"}, {"id", malware_id}, {"name", malware}, {"description", "test"}});
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    const std::string id = "indicator--" + prefix + "-" + std::to_string(i);
    objects.push_back({{"type", "indicator"}, {"id", id}, {"pattern", patterns[i]}, {"pattern_type", "stix"}});
    objects.push_back({{"type", "relationship"},
                       {"id", "relationship--" + prefix + "-" + std::to_string(i)},
                       {"relationship_type", "indicates"},
                       {"source_ref", id},
                       {"target_ref", malware_id}});
  }
  return nlohmann::json{{"type", "bundle"}, {"id", "bundle--" + prefix}, {"objects", objects}}.dump(1);
}

// "[kind:property='value']" with STIX string escaping.
inline std::string stix_eq(const std::string& key, const std::string& value) {
  std::string escaped;
  for (const char c : value) {
    if (c == '\'' || c == '\\') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return "[" + key + "='" + escaped + "']";
}

}  // namespace lumiere::test
