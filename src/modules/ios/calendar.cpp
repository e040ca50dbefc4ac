// Artifact: HomeDomain Library/Calendar/Calendar.sqlitedb (iOS 4+): CalendarItem ⟕ Participant on the
// organizer. Dates are Mac absolute time (REAL). Quadream's KingSpawn left events titled "Meeting" with the
// description "Notes" (Citizen Lab / Microsoft, April 2023). Spec §3.3 Calendar.
#include "modules/ios/calendar.hpp"

#include <fmt/core.h>

#include <array>
#include <utility>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& calendar_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

Json mac_date(Json value) {
  if (value.is_number_integer()) return timeconv::mac_to_iso(value.get<std::int64_t>());
  if (value.is_number()) return timeconv::mac_to_iso(value.get<double>());
  return value;
}

// Output key, table column. Columns missing from an older or newer schema are selected as NULL.
struct Field {
  std::string_view key;
  std::string_view column;
  Json CalendarRecord::*member;
};
constexpr std::array<Field, 18> kItemFields{{
    {"id", "ROWID", &CalendarRecord::id},
    {"summary", "summary", &CalendarRecord::summary},
    {"description", "description", &CalendarRecord::description},
    {"start_date", "start_date", &CalendarRecord::start_date},
    {"end_date", "end_date", &CalendarRecord::end_date},
    {"all_day", "all_day", &CalendarRecord::all_day},
    {"calendar_id", "calendar_id", &CalendarRecord::calendar_id},
    {"organizer_id", "organizer_id", &CalendarRecord::organizer_id},
    {"url", "url", &CalendarRecord::url},
    {"last_modified", "last_modified", &CalendarRecord::last_modified},
    {"external_id", "external_id", &CalendarRecord::external_id},
    {"external_mod_tag", "external_mod_tag", &CalendarRecord::external_mod_tag},
    {"unique_identifier", "unique_identifier", &CalendarRecord::unique_identifier},
    {"hidden", "hidden", &CalendarRecord::hidden},
    {"uuid", "UUID", &CalendarRecord::uuid},
    {"creation_date", "creation_date", &CalendarRecord::creation_date},
    {"action", "action", &CalendarRecord::action},
    {"created_by_id", "created_by_id", &CalendarRecord::created_by_id},
}};
constexpr std::array<Field, 5> kParticipantFields{{
    {"participant_uuid", "UUID", &CalendarRecord::participant_uuid},
    {"participant_email", "email", &CalendarRecord::participant_email},
    {"participant_phone", "phone_number", &CalendarRecord::participant_phone},
    {"participant_comment", "comment", &CalendarRecord::participant_comment},
    {"participant_last_modified", "last_modified", &CalendarRecord::participant_last_modified},
}};
constexpr std::array<Json CalendarRecord::*, 5> kDateMembers{
    &CalendarRecord::start_date, &CalendarRecord::end_date, &CalendarRecord::last_modified,
    &CalendarRecord::creation_date, &CalendarRecord::participant_last_modified};
constexpr std::array<std::string_view, 5> kDateKeys{"start_date", "end_date", "last_modified", "creation_date",
                                                    "participant_last_modified"};

class Calendar final : public RecordModule<CalendarRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return calendar_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<CalendarRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<CalendarRecord>(ctx, parse_calendar);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} calendar events", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const CalendarRecord& r) const override {
    Json j = Json::object();
    for (const auto& field : kItemFields) j[std::string(field.key)] = r.*field.member;
    for (const auto& field : kParticipantFields) j[std::string(field.key)] = r.*field.member;
    return j;
  }

  [[nodiscard]] std::optional<CalendarRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    CalendarRecord r;
    for (const auto& field : kItemFields) r.*field.member = stored.value(std::string(field.key), Json(nullptr));
    for (const auto& field : kParticipantFields) {
      r.*field.member = stored.value(std::string(field.key), Json(nullptr));
    }
    return r;
  }

  void check(ModuleContext& ctx, const CalendarRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs != nullptr && r.participant_email.is_string() && !r.participant_email.get<std::string>().empty()) {
      if (auto match = iocs->match_email(r.participant_email.get<std::string>())) {
        ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
      }
    }
    if (r.summary == "Meeting" && r.description == "Notes") {
      ctx.alert(AlertLevel::kHigh, fmt::format("Potential Quadream exploit event identified: {}", python_str(r.uuid)),
                r.start_date.is_string() ? r.start_date.get<std::string>() : "", json, r.provenance);
    }
  }

  void timeline(ModuleContext& ctx, const CalendarRecord& r) const override {
    const std::string data = fmt::format("Calendar event {} ({}) (invitation by {})", python_str(r.summary),
                                         python_str(r.description), python_str(r.participant_email));
    for (std::size_t i = 0; i < kDateMembers.size(); ++i) {
      const Json& value = r.*kDateMembers[i];
      if (!value.is_string() || value.get<std::string>().empty()) continue;
      ctx.timeline(value.get<std::string>(), std::string(kDateKeys[i]), data);
    }
  }
};

}  // namespace

Result<std::vector<CalendarRecord>> parse_calendar(const sqlite::Database& db) {
  auto item = table_columns(db, "CalendarItem");
  if (!item) return std::move(item).error();
  if (!item->exists()) return unsupported_schema(db, "no table CalendarItem");
  // Every CalendarItem column is read where it exists (NULL otherwise): a schema without the title or the start
  // still lists its invitations and their organisers.
  auto participant = table_columns(db, "Participant");
  if (!participant) return std::move(participant).error();
  const bool join = participant->exists() && item->has("organizer_id");

  std::string select;
  for (const auto& field : kItemFields) {
    if (!select.empty()) select += ", ";
    const bool present = field.column == "ROWID" || item->has(field.column);
    select +=
        present ? fmt::format("CalendarItem.{} AS {}", field.column, field.key) : fmt::format("NULL AS {}", field.key);
  }
  for (const auto& field : kParticipantFields) {
    select += join && participant->has(field.column) ? fmt::format(", Participant.{} AS {}", field.column, field.key)
                                                     : fmt::format(", NULL AS {}", field.key);
  }
  const std::string sql = join ? fmt::format(
                                     "SELECT {} FROM CalendarItem LEFT JOIN Participant ON Participant.ROWID = "
                                     "CalendarItem.organizer_id ORDER BY CalendarItem.ROWID",
                                     select)
                               : fmt::format("SELECT {} FROM CalendarItem ORDER BY CalendarItem.ROWID", select);
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<CalendarRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    CalendarRecord r;
    for (const auto& field : kItemFields) r.*field.member = column_json(row, field.key);
    for (const auto& field : kParticipantFields) r.*field.member = column_json(row, field.key);
    for (const auto member : kDateMembers) r.*member = mac_date(r.*member);
    records.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

const ModuleDescriptor& calendar_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.calendar",
      .slug = "calendar",
      .mvt_class = "Calendar",
      .description =
          "Calendar events and their organizers (Calendar.sqlitedb): organizer e-mails against "
          "indicators, Quadream's \"Meeting\"/\"Notes\" invitations",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain", .relative_path = "Library/Calendar/Calendar.sqlitedb", .fs_glob = ""}},
      .timestamp_fields = {"start_date", "end_date", "last_modified", "creation_date", "participant_last_modified"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = &parse_entry<&parse_calendar, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_calendar() {
  return std::make_unique<Calendar>();
}

}  // namespace lumiere::modules::ios
