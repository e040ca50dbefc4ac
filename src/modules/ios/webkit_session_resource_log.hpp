#pragma once

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/result.hpp"

namespace lumiere::modules::ios {

// The browsingStatistics entries of a full_browsing_session_resourceLog.plist, as MVT's records: origin,
// redirect_source, redirect_destination, subframe_under_origin, subresource_under_origin (lists of
// {"origin"|"domain": …} objects as stored), user_interaction, most_recent_interaction, last_seen (iso).
// kParse when the plist has no browsingStatistics list.
Result<Json> parse_session_resource_log(const plist::Value& root);

}  // namespace lumiere::modules::ios
