#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One client of locationd (an app or a system service) and what it was allowed and did.
struct LocationdClientRecord {
  std::string package;                                     // the plist key without its trailing ':'
  Json fields = Json::object();                            // every key of the entry, as MVT writes it
  std::vector<std::pair<std::string, std::string>> times;  // present timestamp keys → iso, in MVT's key order
  std::string provenance;                                  // backup file it came from (not in the JSON)
};

// Every dictionary-valued entry of clients.plist.
Result<std::vector<LocationdClientRecord>> parse_locationd_clients(const plist::Value& clients);

}  // namespace lumiere::modules::ios
