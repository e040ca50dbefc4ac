// Artifact: WhatsApp's ContactsV2.sqlite (AppDomainGroup-group.net.whatsapp.WhatsApp.shared), Core Data table
// ZWAADDRESSBOOKCONTACT; columns differ across WhatsApp releases (LID, usernames, about expiry came in 2023-24),
// so each field is taken only when its column is there. Reference: spec §3.3 WhatsappContacts.
#include <fmt/core.h>

#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& whatsapp_contacts_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

enum class Kind { kValue, kMacTime };

struct Field {
  std::string_view key;
  std::array<std::string_view, 2> columns;  // first present wins; "" = no alternative
  Kind kind = Kind::kValue;
};

constexpr std::array<Field, 19> kFields{{
    {"whatsapp_id", {"ZWHATSAPPID", ""}, Kind::kValue},
    {"lid", {"ZLID", ""}, Kind::kValue},
    {"phone_number", {"ZPHONENUMBER", ""}, Kind::kValue},
    {"localized_phone_number", {"ZLOCALIZEDPHONENUMBER", ""}, Kind::kValue},
    {"full_name", {"ZFULLNAME", ""}, Kind::kValue},
    {"given_name", {"ZGIVENNAME", ""}, Kind::kValue},
    {"last_name", {"ZLASTNAME", ""}, Kind::kValue},
    {"user_name", {"ZUSERNAME", ""}, Kind::kValue},
    {"business_name", {"ZBUSINESSNAME", ""}, Kind::kValue},
    {"about_text", {"ZABOUTTEXT", ""}, Kind::kValue},
    {"about_emoji", {"ZABOUTEMOJI", ""}, Kind::kValue},
    {"notes", {"ZNOTES", ""}, Kind::kValue},
    {"disappearing_mode_duration", {"ZDISAPPEARINGMODEDURATION", ""}, Kind::kValue},
    {"disappearing_mode_timestamp", {"ZDISAPPEARINGMODETIMESTAMP", ""}, Kind::kMacTime},
    {"about_timestamp", {"ZABOUTTIMESTAMP", ""}, Kind::kMacTime},
    {"about_expiration_timestamp", {"ZABOUTEXPIRATIONTIMESTAMP", ""}, Kind::kMacTime},
    {"last_updated", {"ZLASTUPDATED", ""}, Kind::kMacTime},
    {"phone_status", {"ZPHONESTATUS", "ZPHONENUMBERSTATUS"}, Kind::kValue},
    {"sync_policy", {"ZSYNCPOLICY", ""}, Kind::kValue},
}};

constexpr std::string_view kTable = "ZWAADDRESSBOOKCONTACT";

// WhatsApp's disappearing-message choices, in seconds.
constexpr std::array<std::pair<std::int64_t, std::string_view>, 5> kDisappearingLabels{
    {{86400, "24 hours"}, {604800, "7 days"}, {1209600, "14 days"}, {2592000, "30 days"}, {7776000, "90 days"}}};

struct ContactRecord {
  Json json;
};

Json mac_time_json(const sqlite::Statement& stmt, int column) {
  if (stmt.type(column) == SQLITE_INTEGER) return timeconv::mac_to_iso(stmt.integer(column));
  if (stmt.type(column) == SQLITE_FLOAT) return timeconv::mac_to_iso(stmt.real(column));
  return nullptr;
}

std::string disappearing_label(std::int64_t seconds) {
  if (seconds == 0) return "off";
  for (const auto& [value, label] : kDisappearingLabels) {
    if (value == seconds) return std::string(label);
  }
  return fmt::format("{} seconds", seconds);
}

Result<std::vector<ContactRecord>> parse_contacts(const sqlite::Database& db) {
  auto columns = table_columns(db, kTable);
  if (!columns) return std::move(columns).error();
  if (!columns->exists()) return unexpected(unsupported_schema(db, "no table ZWAADDRESSBOOKCONTACT"));
  if (!columns->has("Z_PK"))
    return unexpected(unsupported_schema(db, "table ZWAADDRESSBOOKCONTACT has no column Z_PK"));
  std::vector<std::pair<std::string_view, std::string_view>> selected;  // key, column
  std::vector<Kind> kinds;
  std::string sql = "SELECT ";
  for (const auto& field : kFields) {
    for (const auto column : field.columns) {
      if (!column.empty() && columns->has(column)) {
        selected.emplace_back(field.key, column);
        kinds.push_back(field.kind);
        sql += std::string(column) + ", ";
        break;
      }
    }
  }
  if (selected.empty()) {
    return unexpected(unsupported_schema(db, "table ZWAADDRESSBOOKCONTACT has none of the known contact columns"));
  }
  sql += "Z_PK FROM ZWAADDRESSBOOKCONTACT ORDER BY Z_PK";
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<ContactRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    Json j = Json::object();
    for (std::size_t i = 0; i < selected.size(); ++i) {
      const int column = static_cast<int>(i);
      j[std::string(selected[i].first)] =
          kinds[i] == Kind::kMacTime ? mac_time_json(row, column) : column_json(row, column, false);
    }
    if (j.contains("disappearing_mode_duration")) {
      const Json& duration = j["disappearing_mode_duration"];
      const std::int64_t seconds = duration.is_number() ? duration.get<std::int64_t>() : 0;
      j["disappearing_mode_is_on"] = seconds != 0;
      j["disappearing_mode_label"] = disappearing_label(seconds);
    }
    records.push_back(ContactRecord{std::move(j)});
  });
  if (!ok) return std::move(ok).error();
  return records;
}

std::string display_name(const Json& j) {
  for (const char* key : {"full_name", "user_name", "business_name", "given_name"}) {
    const Json value = j.value(key, Json());
    if (value.is_string() && !value.get<std::string>().empty()) return value.get<std::string>();
  }
  return python_str(j.value("phone_number", Json()));
}

const ModuleDescriptor& descriptor_ref();

class WhatsappContacts final : public RecordModule<ContactRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return descriptor_ref(); }

 protected:
  [[nodiscard]] Result<std::vector<ContactRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<ContactRecord>(ctx, parse_contacts);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} WhatsApp contacts", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ContactRecord& record) const override { return record.json; }

  void timeline(ModuleContext& ctx, const ContactRecord& record) const override {
    const Json& j = record.json;
    const std::string who = fmt::format("{} ({})", display_name(j), python_str(j.value("whatsapp_id", Json())));
    const auto stamp = [&](const char* key) {
      const Json value = j.value(key, Json());
      return value.is_string() ? value.get<std::string>() : std::string();
    };
    if (const auto ts = stamp("disappearing_mode_timestamp"); !ts.empty()) {
      ctx.timeline(ts, "disappearing_mode_set",
                   fmt::format("{} set disappearing messages: {}", who, j.value("disappearing_mode_label", "off")));
    }
    if (const auto ts = stamp("about_timestamp"); !ts.empty()) {
      ctx.timeline(ts, "about_changed",
                   fmt::format("{} changed their about: {}", who, python_str(j.value("about_text", Json()))));
    }
    if (const auto ts = stamp("about_expiration_timestamp"); !ts.empty()) {
      ctx.timeline(ts, "about_expiration",
                   fmt::format("{} about expires: {}", who, python_str(j.value("about_text", Json()))));
    }
    if (const auto ts = stamp("last_updated"); !ts.empty()) {
      ctx.timeline(ts, "contact_last_updated", fmt::format("WhatsApp contact {} last updated", who));
    }
  }
};

const ModuleDescriptor& descriptor_ref() {
  return whatsapp_contacts_descriptor();
}

}  // namespace

const ModuleDescriptor& whatsapp_contacts_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.whatsapp_contacts",
      .slug = "whatsapp_contacts",
      .mvt_class = "WhatsappContacts",
      .description =
          "WhatsApp address book (ContactsV2.sqlite): identifiers, LIDs, about texts and disappearing-message "
          "settings; no indicator check",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                     .relative_path = "ContactsV2.sqlite",
                     .fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/ContactsV2.sqlite"}},
      .timestamp_fields = {"disappearing_mode_timestamp", "about_timestamp", "about_expiration_timestamp",
                           "last_updated"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kOther,
      .parse = {.sqlite = &parse_entry<&parse_contacts, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_whatsapp_contacts() {
  return std::make_unique<WhatsappContacts>();
}

}  // namespace lumiere::modules::ios
