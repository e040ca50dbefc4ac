#pragma once

#include <string>

#include "core/json.hpp"
#include "core/plist.hpp"

namespace lumiere::modules::ios {

// One installed configuration profile stub (profile-<hash>.stub).
struct ConfigurationProfileRecord {
  std::string file_id;
  std::string relative_path;
  std::string domain;
  Json plist;                // the stub as MVT writes it: binary certificates and references in base64
  std::string install_date;  // iso of InstallDate, "" when absent
};

// The stub plist as JSON, with MVT's base64 fields (SignerCerts, push token hashes, persistent references).
Json configuration_profile_json(const plist::Value& stub);
// iso of the stub's InstallDate; "" when absent or not a date.
std::string configuration_profile_install_date(const plist::Value& stub);

}  // namespace lumiere::modules::ios
