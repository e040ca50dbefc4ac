// SMS / iMessage records of sms.db.
#pragma once

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One message of sms.db (message ⋈ handle), as MVT's record plus `attributed_body_text`.
struct SmsRecord {
  Json json;                           // MVT's keys, in MVT's order, plus attributed_body_text
  std::vector<std::string> all_links;  // `links`, then the links of attributed_body_text
  std::string provenance;
  bool undecoded_body = false;  // text empty and attributedBody present but not decodable
};

// Links checked for a stored or parsed record: MVT's `links` (or, when empty, those of `text`) followed by
// the links of the text decoded from attributedBody.
std::vector<std::string> sms_links_to_check(const Json& record);

// Every message that has a handle. kUnsupported when `message` or `handle` lacks a column the query needs.
Result<std::vector<SmsRecord>> parse_sms(const sqlite::Database& db);
// The same messages handed to `on_record` one at a time, as they are read.
Result<void> parse_sms_each(const sqlite::Database& db, const std::function<void(SmsRecord&&)>& on_record);

}  // namespace lumiere::modules::ios
