#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// One app listed in the backup's Info.plist "Applications".
struct ApplicationRecord {
  std::string name;                  // bundle id (the Applications key)
  Json metadata = Json::object();    // every iTunesMetadata key, as MVT writes it
  std::string icon_sha256;           // SHA-256 of PlaceholderIcon; "" when there is none
  std::string isodate;               // purchaseDate (UTC); "" when absent
  bool metadata_unreadable = false;  // iTunesMetadata present but not a plist
};

// Info.plist "Applications": {bundle id → {iTunesMetadata: plist bytes, PlaceholderIcon: bytes, ...}}.
Result<std::vector<ApplicationRecord>> parse_applications(const plist::Value& applications);

// "2021-07-01T10:00:00Z" → iso, read as UTC; "" when it does not parse.
std::string purchase_date_iso(std::string_view text);

}  // namespace lumiere::modules::ios
