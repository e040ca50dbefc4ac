// SMS / iMessage records of sms.db, and the helpers the Messages and WhatsApp modules share to turn whole
// SQLite rows (`table.*`) into MVT's JSON records.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// `"name"` quoted as an SQL identifier.
std::string sql_identifier(std::string_view name);

// One column value as MVT's JSON encoder writes it: integers, floats, text (invalid UTF-8 as \xNN), NULL as
// null; BLOBs as base64 text when `base64` (MVT encodes those fields itself), else as backslashreplace text.
Json column_json(const sqlite::Statement& stmt, int column, bool base64);

// Python's str() of a JSON value as f-strings render record fields in timeline rows (None, True, 12, text).
std::string python_str(const Json& value);

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

}  // namespace lumiere::modules::ios
