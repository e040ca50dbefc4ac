#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One top-level key of .GlobalPreferences.plist.
struct GlobalPreferenceRecord {
  std::string entry;
  Json value;
  bool truthy = false;     // Python truthiness of the value (Lockdown mode check)
  std::string provenance;  // backup file it came from (not in the JSON)
};

Result<std::vector<GlobalPreferenceRecord>> parse_global_preferences(const plist::Value& preferences);

}  // namespace lumiere::modules::ios
