#pragma once

#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"

namespace lumiere::modules::ios {

// One CalendarItem with its organizer (Participant row of organizer_id). Values keep SQLite's types; the
// date fields become `iso` text when they are numbers (Mac absolute time).
struct CalendarRecord {
  Json id, summary, description, start_date, end_date, all_day, calendar_id, organizer_id, url, last_modified,
      external_id, external_mod_tag, unique_identifier, hidden, uuid, creation_date, action, created_by_id,
      participant_uuid, participant_email, participant_phone, participant_comment, participant_last_modified;
  std::string provenance;
};

Result<std::vector<CalendarRecord>> parse_calendar(const sqlite::Database& db);

}  // namespace lumiere::modules::ios
