#pragma once

#include "core/json.hpp"
#include "core/plist.hpp"

namespace lumiere::modules::ios {

// Info.plist → MVT's backup_info record: the fixed key list, in MVT's order, absent keys as null.
Json parse_backup_info(const plist::Value& info_plist);

}  // namespace lumiere::modules::ios
