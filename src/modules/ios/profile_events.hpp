#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One entry of MCProfileEvents.plist: what a process did to a profile, and when.
struct ProfileEventRecord {
  std::string profile_id;
  std::string timestamp;  // iso
  std::string operation;
  std::string process;
  Json other = Json::object();  // the event's other keys, lowercased, in file order
  std::string provenance;       // backup file it came from (not in the JSON)
};

// The `ProfileEvents` list: kParse when the plist has no such list.
Result<std::vector<ProfileEventRecord>> parse_profile_events(const plist::Value& events_plist);

}  // namespace lumiere::modules::ios
