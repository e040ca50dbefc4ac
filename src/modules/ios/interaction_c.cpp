// Artifact: CoreDuet's interactionC.db (HomeDomain Library/CoreDuet/People/interactionC.db), Core Data tables
// ZINTERACTIONS, ZCONTACTS, ZATTACHMENT and the many-to-many join tables Z_<n>INTERACTIONS (attachments) and
// Z_<n>INTERACTIONRECIPIENT (recipients), whose entity numbers differ across iOS versions (iOS 13-17).
// Reference: spec §3.3 InteractionC; WhatsApp identifiers resolved through WhatsappContacts.
#include <fmt/core.h>

#include <array>
#include <cmath>
#include <map>
#include <optional>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& interaction_c_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kWhatsappBundle = "net.whatsapp.WhatsApp";
constexpr std::string_view kWhatsappUserSuffix = "@s.whatsapp.net";
constexpr double kCreationGapSeconds = 3600;
constexpr double kSecondsPerDay = 86400;
constexpr double kSecondsPerHour = 3600;
// Core Data's highest entity number worth probing for join tables (Z_1... to Z_9...).
constexpr int kMaxEntityNumber = 9;

enum class Kind { kValue, kMacTime, kDirection };

// A selected expression and the JSON key MVT gives it; `table` is the alias whose presence it needs.
struct Column {
  std::string_view key;
  std::string_view alias;  // i (interaction), s (sender), r (recipient), a (attachment)
  std::string_view column;
  Kind kind = Kind::kValue;
};

constexpr std::array<Column, 38> kColumns{{
    {"start_date", "i", "ZSTARTDATE", Kind::kMacTime},
    {"end_date", "i", "ZENDDATE", Kind::kMacTime},
    {"interactions_creation_date", "i", "ZCREATIONDATE", Kind::kMacTime},
    {"bundle_id", "i", "ZBUNDLEID", Kind::kValue},
    {"account", "i", "ZACCOUNT", Kind::kValue},
    {"target_bundle_id", "i", "ZTARGETBUNDLEID", Kind::kValue},
    {"direction", "i", "ZDIRECTION", Kind::kDirection},
    {"sender_display_name", "s", "ZDISPLAYNAME", Kind::kValue},
    {"sender_identifier", "s", "ZIDENTIFIER", Kind::kValue},
    {"sender_personid", "s", "ZPERSONID", Kind::kValue},
    {"recipient_display_name", "r", "ZDISPLAYNAME", Kind::kValue},
    {"recipient_identifier", "r", "ZIDENTIFIER", Kind::kValue},
    {"recipient_personid", "r", "ZPERSONID", Kind::kValue},
    {"recipient_count", "i", "ZRECIPIENTCOUNT", Kind::kValue},
    {"incoming_recipient_count", "s", "ZINCOMINGRECIPIENTCOUNT", Kind::kValue},
    {"incoming_sender_count", "s", "ZINCOMINGSENDERCOUNT", Kind::kValue},
    {"outgoing_recipient_count", "s", "ZOUTGOINGRECIPIENTCOUNT", Kind::kValue},
    {"domain_identifier", "i", "ZDOMAINIDENTIFIER", Kind::kValue},
    {"is_response", "i", "ZISRESPONSE", Kind::kValue},
    {"content", "a", "ZCONTENTTEXT", Kind::kValue},
    {"uti", "a", "ZUTI", Kind::kValue},
    {"attachment_content_url", "a", "ZCONTENTURL", Kind::kValue},
    {"attachment_size", "a", "ZSIZEINBYTES", Kind::kValue},
    {"attachment_id", "a", "ZIDENTIFIER", Kind::kValue},
    {"photo_local_id", "a", "ZPHOTOLOCALIDENTIFIER", Kind::kValue},
    {"attachment_cloud_id", "a", "ZCLOUDIDENTIFIER", Kind::kValue},
    {"contacts_creation_date", "s", "ZCREATIONDATE", Kind::kMacTime},
    {"first_incoming_recipient_date", "s", "ZFIRSTINCOMINGRECIPIENTDATE", Kind::kMacTime},
    {"first_incoming_sender_date", "s", "ZFIRSTINCOMINGSENDERDATE", Kind::kMacTime},
    {"first_outgoing_recipient_date", "s", "ZFIRSTOUTGOINGRECIPIENTDATE", Kind::kMacTime},
    {"last_incoming_sender_date", "s", "ZLASTINCOMINGSENDERDATE", Kind::kMacTime},
    {"last_incoming_recipient_date", "s", "ZLASTINCOMINGRECIPIENTDATE", Kind::kMacTime},
    {"last_outgoing_recipient_date", "s", "ZLASTOUTGOINGRECIPIENTDATE", Kind::kMacTime},
    {"custom_id", "s", "ZCUSTOMIDENTIFIER", Kind::kValue},
    {"content_url", "i", "ZCONTENTURL", Kind::kValue},
    {"location_uuid", "i", "ZLOCATIONUUID", Kind::kValue},
    {"group_name", "i", "ZGROUPNAME", Kind::kValue},
    {"derived_intent_id", "i", "ZDERIVEDINTENTIDENTIFIER", Kind::kValue},
}};

struct InteractionRecord {
  Json json;
};

// A Core Data many-to-many join table: its name and the columns holding each side's Z_PK.
struct JoinTable {
  std::string table;
  std::string interaction_column;
  std::string other_column;
};

// Finds Z_<n><suffix> holding a column ending in `interaction_end` and one ending in `other_end`.
Result<std::optional<JoinTable>> find_join(const sqlite::Database& db, std::string_view suffix,
                                           std::string_view interaction_end, std::string_view other_end) {
  for (int n = 1; n <= kMaxEntityNumber; ++n) {
    const std::string table = fmt::format("Z_{}{}", n, suffix);
    auto columns = table_columns(db, table);
    if (!columns) return std::move(columns).error();
    if (!columns->exists()) continue;
    JoinTable join{table, "", ""};
    for (const auto& column : columns->names) {
      if (!column.starts_with("Z_")) continue;
      if (column.ends_with(other_end)) {
        join.other_column = column;
      } else if (column.ends_with(interaction_end)) {
        join.interaction_column = column;
      }
    }
    if (!join.interaction_column.empty() && !join.other_column.empty()) return std::optional<JoinTable>(join);
  }
  return std::optional<JoinTable>{};
}

Result<std::vector<InteractionRecord>> parse_interactions(const sqlite::Database& db) {
  auto interactions = table_columns(db, "ZINTERACTIONS");
  if (!interactions) return std::move(interactions).error();
  if (!interactions->exists()) return unexpected(unsupported_schema(db, "no table ZINTERACTIONS"));
  if (!interactions->has("Z_PK")) return unexpected(unsupported_schema(db, "table ZINTERACTIONS has no column Z_PK"));
  auto contacts = table_columns(db, "ZCONTACTS");
  if (!contacts) return std::move(contacts).error();
  auto attachments = table_columns(db, "ZATTACHMENT");
  if (!attachments) return std::move(attachments).error();
  // The schema variants: with or without the attachment join, with or without the recipient join, and
  // their entity numbers, all found by probing rather than by trying fixed queries in turn.
  auto attachment_join = find_join(db, "INTERACTIONS", "INTERACTIONS", "ATTACHMENTS");
  if (!attachment_join) return std::move(attachment_join).error();
  auto recipient_join = find_join(db, "INTERACTIONRECIPIENT", "INTERACTIONRECIPIENT", "RECIPIENTS");
  if (!recipient_join) return std::move(recipient_join).error();

  const bool has_sender = contacts->has("Z_PK") && interactions->has("ZSENDER");
  const bool has_recipient = contacts->has("Z_PK") && recipient_join->has_value();
  const bool has_attachment = attachments->has("Z_PK") && attachment_join->has_value();
  const auto available = [&](const Column& c) {
    if (c.alias == "i") return interactions->has(c.column);
    if (c.alias == "s") return has_sender && contacts->has(c.column);
    if (c.alias == "r") return has_recipient && contacts->has(c.column);
    return has_attachment && attachments->has(c.column);
  };
  std::string sql = "SELECT ";
  for (const auto& c : kColumns) {
    sql += available(c) ? fmt::format("{}.{}, ", c.alias, c.column) : std::string("NULL, ");
  }
  sql += "i.Z_PK FROM ZINTERACTIONS i";
  if (has_sender) sql += " LEFT JOIN ZCONTACTS s ON s.Z_PK = i.ZSENDER";
  if (has_attachment) {
    const auto& j = **attachment_join;
    sql += fmt::format(" LEFT JOIN {0} aj ON aj.{1} = i.Z_PK LEFT JOIN ZATTACHMENT a ON a.Z_PK = aj.{2}", j.table,
                       j.interaction_column, j.other_column);
  }
  if (has_recipient) {
    const auto& j = **recipient_join;
    sql += fmt::format(" LEFT JOIN {0} rj ON rj.{1} = i.Z_PK LEFT JOIN ZCONTACTS r ON r.Z_PK = rj.{2}", j.table,
                       j.interaction_column, j.other_column);
  }
  sql += " ORDER BY i.Z_PK";
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<InteractionRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    Json j = Json::object();
    for (std::size_t k = 0; k < kColumns.size(); ++k) {
      const auto& c = kColumns[k];
      const int column = static_cast<int>(k);
      Json value = column_json(row, column, false);
      if (c.kind == Kind::kMacTime) {
        if (value.is_number_integer()) value = timeconv::mac_to_iso(value.get<std::int64_t>());
        if (value.is_number_float()) value = timeconv::mac_to_iso(value.get<double>());
        if (value.is_null()) value = "";
      } else if (c.kind == Kind::kDirection && value.is_number_integer()) {
        const auto d = value.get<std::int64_t>();
        value = d == 0 ? Json("INCOMING") : d == 1 ? Json("OUTGOING") : value;
      }
      j[std::string(c.key)] = std::move(value);
    }
    j["table_id"] = column_json(row, static_cast<int>(kColumns.size()), false);
    records.push_back(InteractionRecord{std::move(j)});
  });
  if (!ok) return std::move(ok).error();
  return records;
}

std::string digits_of(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c >= '0' && c <= '9') out += c;
  }
  return out;
}

std::string strip_suffix(std::string_view text, std::string_view suffix) {
  return std::string(text.ends_with(suffix) ? text.substr(0, text.size() - suffix.size()) : text);
}

// WhatsApp contacts as WhatsappContacts extracted them: LID → phone number, phone digits → name.
struct WhatsappDirectory {
  std::map<std::string, std::string> lid_phone;
  std::map<std::string, std::string> phone_name;

  explicit WhatsappDirectory(const Json* contacts) {
    if (contacts == nullptr || !contacts->is_array()) return;
    for (const auto& contact : *contacts) {
      if (!contact.is_object()) continue;
      const std::string phone = text_of(contact.value("phone_number", Json()));
      const std::string lid = strip_suffix(text_of(contact.value("lid", Json())), kLidSuffix);
      if (!lid.empty() && !phone.empty()) lid_phone.emplace(lid, phone);
      std::string name = text_of(contact.value("full_name", Json()));
      if (name.empty()) name = text_of(contact.value("given_name", Json()));
      if (!phone.empty() && !name.empty()) phone_name.emplace(digits_of(phone), name);
    }
  }

  void resolve(Json& record, std::string_view field, std::string_view prefix) const {
    const std::string id = text_of(record.value(std::string(field), Json()));
    Json phone;
    if (id.ends_with(kLidSuffix)) {
      if (const auto it = lid_phone.find(strip_suffix(id, kLidSuffix)); it != lid_phone.end()) phone = it->second;
    } else if (id.ends_with(kWhatsappUserSuffix)) {
      phone = "+" + strip_suffix(id, kWhatsappUserSuffix);
    } else if (id.starts_with("+")) {
      phone = id;
    }
    Json name;
    if (phone.is_string()) {
      if (const auto it = phone_name.find(digits_of(phone.get<std::string>())); it != phone_name.end())
        name = it->second;
    }
    record[fmt::format("{}_resolved_phone_number", prefix)] = phone;
    record[fmt::format("{}_resolved_name", prefix)] = name;
  }
};

std::string person(const Json& j, std::string_view prefix) {
  for (const auto* suffix : {"_resolved_name", "_display_name", "_resolved_phone_number", "_identifier"}) {
    const Json value = j.value(fmt::format("{}{}", prefix, suffix), Json());
    if (value.is_string() && !value.get_ref<const std::string&>().empty()) return value.get<std::string>();
  }
  return "None";
}

class InteractionC final : public RecordModule<InteractionRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return interaction_c_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<InteractionRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<InteractionRecord>(ctx, parse_interactions);
    if (!records) return records;
    const WhatsappDirectory directory(ctx.results_of("whatsapp_contacts"));
    for (auto& record : *records) {
      if (text_of(record.json["bundle_id"]) == kWhatsappBundle) {
        directory.resolve(record.json, "sender_identifier", "sender");
        directory.resolve(record.json, "recipient_identifier", "recipient");
        directory.resolve(record.json, "domain_identifier", "domain_identifier");
      }
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} InteractionC events", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const InteractionRecord& record) const override { return record.json; }

  void timeline(ModuleContext& ctx, const InteractionRecord& record) const override {
    const Json& j = record.json;
    const std::string data = fmt::format("[{}] {} {} from {} to {} (group: {}): {}", python_str(j["bundle_id"]),
                                         python_str(j["account"]), python_str(j["direction"]), person(j, "sender"),
                                         person(j, "recipient"), python_str(j["group_name"]), python_str(j["content"]));
    const std::string start = text_of(j["start_date"]);
    const std::string end = text_of(j["end_date"]);
    const std::string created = text_of(j["interactions_creation_date"]);
    if (!start.empty()) ctx.timeline(start, "start_date", data);
    if (!end.empty() && end != start) ctx.timeline(end, "end_date", data);
    if (!created.empty()) {
      const auto start_us = timeconv::parse_iso(start);
      const auto created_us = timeconv::parse_iso(created);
      if (!start_us || !created_us) {
        ctx.timeline(created, "interactions_creation_date", fmt::format("Interaction record created: {}", data));
      } else {
        constexpr double kMicros = 1e6;
        const double gap = static_cast<double>(*created_us - *start_us) / kMicros;
        if (std::fabs(gap) >= kCreationGapSeconds) {
          const bool days = std::fabs(gap) >= kSecondsPerDay;
          const auto amount = static_cast<std::int64_t>(std::fabs(gap) / (days ? kSecondsPerDay : kSecondsPerHour));
          ctx.timeline(created, "interactions_creation_date",
                       fmt::format("Interaction record created {} {} {} the event: {}", amount, days ? "days" : "hours",
                                   gap > 0 ? "after" : "before", data));
        }
      }
    }
    // Per-sender aggregates of ZCONTACTS; repeated on every interaction of the sender, de-duplicated by the runner.
    const std::string sender = person(j, "sender");
    const std::array<std::pair<const char*, std::string>, 7> aggregates{{
        {"contacts_creation_date", fmt::format("Contact {} first recorded by CoreDuet", sender)},
        {"first_incoming_sender_date", fmt::format("First interaction received from {}", sender)},
        {"last_incoming_sender_date", fmt::format("Last interaction received from {}", sender)},
        {"first_incoming_recipient_date", fmt::format("First interaction with {} as an incoming recipient", sender)},
        {"last_incoming_recipient_date", fmt::format("Last interaction with {} as an incoming recipient", sender)},
        {"first_outgoing_recipient_date", fmt::format("First interaction sent to {}", sender)},
        {"last_outgoing_recipient_date", fmt::format("Last interaction sent to {}", sender)},
    }};
    for (const auto& [key, text] : aggregates) {
      const std::string ts = text_of(j[key]);
      if (!ts.empty()) ctx.timeline(ts, key, text);
    }
  }
};

}  // namespace

const ModuleDescriptor& interaction_c_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.interaction_c",
      .slug = "interaction_c",
      .mvt_class = "InteractionC",
      .description =
          "CoreDuet interactions (interactionC.db): who messaged or called whom with which app, WhatsApp "
          "identifiers resolved through WhatsappContacts; no indicator check",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/CoreDuet/People/interactionC.db",
                     .fs_glob = "private/var/mobile/Library/CoreDuet/People/interactionC.db"}},
      .timestamp_fields = {"start_date", "end_date", "interactions_creation_date", "contacts_creation_date",
                           "first_incoming_recipient_date", "first_incoming_sender_date",
                           "first_outgoing_recipient_date", "last_incoming_sender_date", "last_incoming_recipient_date",
                           "last_outgoing_recipient_date"},
      .dependencies = {"whatsapp_contacts"},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = &parse_entry<&parse_interactions, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_interaction_c() {
  return std::make_unique<InteractionC>();
}

}  // namespace lumiere::modules::ios
