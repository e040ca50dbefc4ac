// Artifact: WhatsApp's ChatStorage.sqlite and LID.sqlite (AppDomainGroup-group.net.whatsapp.WhatsApp.shared),
// Core Data tables ZWAMESSAGE, ZWAMEDIAITEM, ZWAMESSAGEDATAITEM, ZWACHATSESSION, ZWAGROUPINFO and
// ZWAPHONENUMBERLIDPAIR (LID.sqlite since 2024; older builds keep the pairs in ChatStorage or have none).
// Reference: spec §3.3 Whatsapp.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>

#include "core/time.hpp"
#include "indicators/links.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& whatsapp_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kChatStorage = "ChatStorage.sqlite";
constexpr std::string_view kLidDatabase = "LID.sqlite";
// Links to WhatsApp's own encrypted-media servers are not evidence of anything.
constexpr std::array<std::string_view, 2> kMediaServerPrefixes{"https://mmg-fna.whatsapp.net/",
                                                               "https://mmg.whatsapp.net/"};
constexpr std::array<std::string_view, 5> kLinkColumns{"ZTEXT", "ZMATCHEDTEXT", "ZMEDIAURL", "ZCONTENT1", "ZCONTENT2"};
constexpr std::string_view kLidPairRecord = "lid_phone_number_pair";
constexpr std::string_view kChatSessionRecord = "chat_session";

struct WhatsappRecord {
  Json json;
  std::vector<std::string> links;  // messages only
  std::string provenance;
};

std::vector<std::string> message_links(const Json& j) {
  std::vector<std::string> links;
  for (const auto column : kLinkColumns) {
    for (auto& link : ioc::extract_links(text_of(j.value(std::string(column), Json())))) {
      const bool media = std::any_of(kMediaServerPrefixes.begin(), kMediaServerPrefixes.end(),
                                     [&](std::string_view prefix) { return link.starts_with(prefix); });
      if (!media && std::find(links.begin(), links.end(), link) == links.end()) links.push_back(std::move(link));
    }
  }
  return links;
}

Result<std::vector<WhatsappRecord>> parse_messages(const sqlite::Database& db) {
  auto message = table_columns(db, "ZWAMESSAGE");
  if (!message) return std::move(message).error();
  if (!message->exists()) return unexpected(unsupported_schema(db, "no table ZWAMESSAGE"));
  // Every column is read as it exists; the joined tables are optional, column by column. Builds differ:
  // the media item is found from the message (ZWAMESSAGE.ZMEDIAITEM) or points back to it
  // (ZWAMEDIAITEM.ZMESSAGE, with no ZMEDIAITEM column on the message).
  const std::string key = message->has("Z_PK") ? "ZWAMESSAGE.Z_PK" : "ZWAMESSAGE.rowid";
  auto media = table_columns(db, "ZWAMEDIAITEM");
  if (!media) return std::move(media).error();
  auto data = table_columns(db, "ZWAMESSAGEDATAITEM");
  if (!data) return std::move(data).error();
  std::string sql = "SELECT ";
  for (const auto& column : message->names) sql += "ZWAMESSAGE." + sqlite::quote_identifier(column) + ", ";
  std::vector<std::string> extra;
  std::string joins;
  const bool media_from_message = message->has("ZMEDIAITEM") && media->has("Z_PK");
  const bool media_to_message = !media_from_message && media->has("ZMESSAGE");
  for (const auto column : {"ZAUTHORNAME", "ZMEDIAURL"}) {
    if (media_from_message && media->has(column)) {
      sql += fmt::format("ZWAMEDIAITEM.{0} AS {0}, ", column);
    } else if (media_to_message && media->has(column)) {
      // One value per message even when several media items point to it (the first one).
      sql +=
          fmt::format("(SELECT mi.{0} FROM ZWAMEDIAITEM mi WHERE mi.ZMESSAGE = {1} ORDER BY mi.rowid LIMIT 1) AS {0}, ",
                      column, key);
    } else {
      sql += fmt::format("NULL AS {}, ", column);
    }
    extra.emplace_back(column);
  }
  if (media_from_message) joins += " LEFT JOIN ZWAMEDIAITEM ON ZWAMEDIAITEM.Z_PK = ZWAMESSAGE.ZMEDIAITEM";
  // Older WhatsApp builds lack ZWAMESSAGEDATAITEM (link previews); its fields are then NULL.
  const bool has_data = data->has("ZMESSAGE");
  for (const auto column : {"ZCONTENT1", "ZCONTENT2", "ZMATCHEDTEXT", "ZSUMMARY", "ZTITLE"}) {
    sql += has_data && data->has(column) ? fmt::format("ZWAMESSAGEDATAITEM.{0} AS {0}, ", column)
                                         : fmt::format("NULL AS {}, ", column);
    extra.emplace_back(column);
  }
  if (has_data) joins += " LEFT JOIN ZWAMESSAGEDATAITEM ON ZWAMESSAGEDATAITEM.ZMESSAGE = " + key;
  sql.resize(sql.size() - 2);
  sql += " FROM ZWAMESSAGE" + joins + " ORDER BY " + key;
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<WhatsappRecord> records;
  const int message_columns = static_cast<int>(message->names.size());
  const bool has_date = message->has("ZMESSAGEDATE");
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    WhatsappRecord record;
    Json& j = record.json;
    j = Json::object();
    for (int i = 0; i < message_columns; ++i)
      j[message->names[static_cast<std::size_t>(i)]] = column_json(row, i, false);
    for (std::size_t i = 0; i < extra.size(); ++i) {
      j[extra[i]] = column_json(row, message_columns + static_cast<int>(i), false);
    }
    j["isodate"] = has_date ? mac_time_json(row, row.index("ZMESSAGEDATE")) : Json("");
    if (j["isodate"].is_null()) j["isodate"] = "";
    record.links = message_links(j);
    if (!record.links.empty() || text_of(j["ZTEXT"]).empty()) {
      Json list = Json::array();
      for (const auto& link : record.links) list.push_back(link);
      j["links"] = std::move(list);
    }
    records.push_back(std::move(record));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

// ZWAPHONENUMBERLIDPAIR rows; an empty list when the table is not there.
Result<std::vector<WhatsappRecord>> parse_lid_pairs(const sqlite::Database& db) {
  auto pairs = table_columns(db, "ZWAPHONENUMBERLIDPAIR");
  if (!pairs) return std::move(pairs).error();
  std::vector<WhatsappRecord> records;
  if (!pairs->exists()) return records;
  if (!pairs->has_all({"ZLID", "ZPHONENUMBER"})) {
    return unexpected(unsupported_schema(db, "table ZWAPHONENUMBERLIDPAIR has no ZLID/ZPHONENUMBER"));
  }
  const bool has_time = pairs->has("ZTIMESTAMP");
  auto stmt =
      db.prepare(fmt::format("SELECT ZLID, ZPHONENUMBER, {} AS ZTIMESTAMP FROM ZWAPHONENUMBERLIDPAIR ORDER BY {}",
                             has_time ? "ZTIMESTAMP" : "NULL", pairs->has("Z_PK") ? "Z_PK" : "rowid"));
  if (!stmt) return std::move(stmt).error();
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    WhatsappRecord record;
    record.json = Json::object();
    record.json["record_type"] = kLidPairRecord;
    record.json["lid"] = column_json(row, 0, false);
    record.json["phone_number"] = column_json(row, 1, false);
    Json time = mac_time_json(row, 2);
    record.json["isodate"] = time.is_null() ? Json("") : time;
    records.push_back(std::move(record));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

Result<std::vector<WhatsappRecord>> parse_chat_sessions(const sqlite::Database& db,
                                                        const std::map<std::string, std::string>& lid_phone) {
  auto session = table_columns(db, "ZWACHATSESSION");
  if (!session) return std::move(session).error();
  std::vector<WhatsappRecord> records;
  if (!session->exists()) return records;
  if (!session->has("Z_PK")) return unexpected(unsupported_schema(db, "table ZWACHATSESSION has no column Z_PK"));
  // A chat-session or message column a build lacks reads as NULL.
  static constexpr std::array<std::string_view, 8> kSessionOptional{
      "ZCONTACTJID", "ZPARTNERNAME",    "ZSESSIONTYPE",     "ZARCHIVED",
      "ZREMOVED",    "ZMESSAGECOUNTER", "ZLASTMESSAGEDATE", "ZGROUPINFO"};
  static constexpr std::array<std::string_view, 3> kMessageOptional{"Z_PK", "ZCHATSESSION", "ZMESSAGEDATE"};
  auto shadow = null_missing_columns(db, {{"ZWACHATSESSION", kSessionOptional}, {"ZWAMESSAGE", kMessageOptional}});
  if (!shadow) return std::move(shadow).error();
  auto group = table_columns(db, "ZWAGROUPINFO");
  if (!group) return std::move(group).error();
  const bool has_group = group->has_all({"Z_PK", "ZCREATIONDATE"});
  const std::string sql =
      *shadow +
      fmt::format(
          "SELECT s.Z_PK AS session_pk, s.ZCONTACTJID AS contact_jid, s.ZPARTNERNAME AS partner_name, "
          "s.ZSESSIONTYPE AS session_type, s.ZARCHIVED AS archived, s.ZREMOVED AS removed, "
          "s.ZMESSAGECOUNTER AS message_counter, s.ZLASTMESSAGEDATE AS last_message_date, {} AS group_creation_date, "
          "MIN(m.ZMESSAGEDATE) AS first_stored, MAX(m.ZMESSAGEDATE) AS last_stored, COUNT(m.Z_PK) AS stored_count "
          "FROM ZWACHATSESSION s {} LEFT JOIN ZWAMESSAGE m ON m.ZCHATSESSION = s.Z_PK GROUP BY s.Z_PK ORDER BY s.Z_PK",
          has_group ? "g.ZCREATIONDATE" : "NULL", has_group ? "LEFT JOIN ZWAGROUPINFO g ON g.Z_PK = s.ZGROUPINFO" : "");
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    WhatsappRecord record;
    Json& j = record.json;
    j = Json::object();
    j["record_type"] = kChatSessionRecord;
    j["session_pk"] = column_json(row, row.index("session_pk"), false);
    j["contact_jid"] = column_json(row, row.index("contact_jid"), false);
    j["partner_name"] = column_json(row, row.index("partner_name"), false);
    j["session_type"] = column_json(row, row.index("session_type"), false);
    j["archived"] = column_json(row, row.index("archived"), false);
    j["removed"] = column_json(row, row.index("removed"), false);
    j["message_counter"] = column_json(row, row.index("message_counter"), false);
    j["last_message_date"] = mac_time_json(row, row.index("last_message_date"));
    j["group_creation_date"] = mac_time_json(row, row.index("group_creation_date"));
    j["first_stored_message_date"] = mac_time_json(row, row.index("first_stored"));
    j["last_stored_message_date"] = mac_time_json(row, row.index("last_stored"));
    j["stored_message_count"] = row.integer("stored_count");
    const std::string jid = text_of(j["contact_jid"]);
    if (jid.ends_with(kLidSuffix)) {
      const auto it = lid_phone.find(jid.substr(0, jid.size() - kLidSuffix.size()));
      const auto full = lid_phone.find(jid);
      j["partner_resolved_phone_number"] =
          it != lid_phone.end() ? Json(it->second) : (full != lid_phone.end() ? Json(full->second) : Json());
    }
    records.push_back(std::move(record));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

void append(std::vector<WhatsappRecord>& to, std::vector<WhatsappRecord>&& from, const std::string& provenance) {
  for (auto& record : from) {
    record.provenance = provenance;
    to.push_back(std::move(record));
  }
}

class Whatsapp final : public RecordModule<WhatsappRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return whatsapp_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<WhatsappRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    const auto is = [](const sources::BackupFile& f, std::string_view name) {
      return f.relative_path == name || f.relative_path.ends_with("/" + std::string(name));
    };
    const auto chat = std::find_if(files->begin(), files->end(), [&](const auto& f) { return is(f, kChatStorage); });
    if (chat == files->end()) {
      return unexpected(ErrorCode::kNotFound, "ChatStorage.sqlite not in the backup",
                        "AppDomainGroup-group.net.whatsapp.WhatsApp.shared/ChatStorage.sqlite");
    }
    auto messages = parse_artifact_database<std::vector<WhatsappRecord>>(ctx, *chat, parse_messages);
    if (!messages) return std::move(messages).error();
    std::vector<WhatsappRecord> records;
    append(records, std::move(*messages), chat->provenance());

    // LID ↔ phone number pairs: LID.sqlite when present, else ChatStorage.
    std::vector<WhatsappRecord> pairs;
    std::string pairs_provenance = chat->provenance();
    const auto lid = std::find_if(files->begin(), files->end(), [&](const auto& f) { return is(f, kLidDatabase); });
    if (lid != files->end()) {
      auto parsed = parse_artifact_database<std::vector<WhatsappRecord>>(ctx, *lid, parse_lid_pairs);
      if (parsed) {
        pairs = std::move(*parsed);
        pairs_provenance = lid->provenance();
      } else {
        ctx.warn(parsed.error().code == ErrorCode::kUnsupported ? WarningKind::kUnsupported : WarningKind::kCorrupt,
                 lid->provenance(), parsed.error().message);
      }
    }
    if (pairs.empty()) {
      auto parsed = parse_artifact_database<std::vector<WhatsappRecord>>(ctx, *chat, parse_lid_pairs);
      if (parsed) {
        pairs = std::move(*parsed);
        pairs_provenance = chat->provenance();
      } else {
        ctx.warn(WarningKind::kUnsupported, chat->provenance(), parsed.error().message);
      }
    }
    std::map<std::string, std::string> lid_phone;
    for (const auto& pair : pairs) {
      const std::string key = text_of(pair.json["lid"]);
      const std::string phone = text_of(pair.json["phone_number"]);
      if (!key.empty() && !phone.empty()) lid_phone.emplace(key, phone);
    }
    append(records, std::move(pairs), pairs_provenance);

    auto sessions = parse_artifact_database<std::vector<WhatsappRecord>>(
        ctx, *chat, [&](const sqlite::Database& db) { return parse_chat_sessions(db, lid_phone); });
    if (sessions) {
      append(records, std::move(*sessions), chat->provenance());
    } else {
      ctx.warn(WarningKind::kUnsupported, chat->provenance(), sessions.error().message);
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} WhatsApp records", records.size()));
    return records;
  }

  [[nodiscard]] Json to_json(const WhatsappRecord& record) const override { return record.json; }

  [[nodiscard]] std::optional<WhatsappRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    WhatsappRecord record{stored, {}, ""};
    if (!stored.contains("record_type")) record.links = message_links(stored);
    return record;
  }

  void check(ModuleContext& ctx, const WhatsappRecord& record, const Json& json) const override {
    if (record.links.empty()) return;
    check_links(ctx, record.links, AlertLevel::kCritical, "", json, record.provenance);
    record_links(ctx, record.links, text_of(json.value("isodate", Json())), "whatsapp");
  }

  void timeline(ModuleContext& ctx, const WhatsappRecord& record) const override {
    const Json& j = record.json;
    const std::string type = text_of(j.value("record_type", Json()));
    if (type == kLidPairRecord) {
      const std::string ts = text_of(j["isodate"]);
      if (!ts.empty()) {
        ctx.timeline(ts, "lid_pair_recorded",
                     fmt::format("WhatsApp LID {} paired with phone number {}", python_str(j["lid"]),
                                 python_str(j["phone_number"])));
      }
      return;
    }
    if (type == kChatSessionRecord) {
      const std::string who = fmt::format("{} ({})", python_str(j["partner_name"]), python_str(j["contact_jid"]));
      const auto row = [&](const char* key, const char* event, const std::string& data) {
        const std::string ts = text_of(j[key]);
        if (!ts.empty()) ctx.timeline(ts, event, data);
      };
      row("group_creation_date", "group_created", fmt::format("WhatsApp group {} created", who));
      row("first_stored_message_date", "chat_first_message",
          fmt::format("First stored message of the WhatsApp chat with {} ({} stored)", who,
                      python_str(j["stored_message_count"])));
      row("last_stored_message_date", "chat_last_message",
          fmt::format("Last stored message of the WhatsApp chat with {}", who));
      return;
    }
    std::string data =
        fmt::format("'{}' from {}", python_str(j.value("ZTEXT", Json())), python_str(j.value("ZFROMJID", Json())));
    if (!record.links.empty()) {
      data += " - Embedded links: ";
      for (std::size_t i = 0; i < record.links.size(); ++i) data += (i == 0 ? "" : ", ") + record.links[i];
    }
    ctx.timeline(text_of(j["isodate"]), "message", data);
  }
};

}  // namespace

const ModuleDescriptor& whatsapp_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.whatsapp",
      .slug = "whatsapp",
      .mvt_class = "Whatsapp",
      .description =
          "WhatsApp messages (ChatStorage.sqlite) with their links, LID/phone-number pairs and chat sessions; "
          "checks links against indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                     .relative_path = "ChatStorage.sqlite",
                     .fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/ChatStorage.sqlite"},
                    {.domain = "AppDomainGroup-group.net.whatsapp.WhatsApp.shared",
                     .relative_path = "LID.sqlite",
                     .fs_glob = "private/var/mobile/Containers/Shared/AppGroup/*/LID.sqlite"}},
      .timestamp_fields = {"isodate", "last_message_date", "group_creation_date", "first_stored_message_date",
                           "last_stored_message_date"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = [](const sqlite::Database& db) -> Result<std::size_t> {
        std::size_t count = 0;
        for (auto* parse : {&parse_messages, &parse_lid_pairs}) {
          auto records = parse(db);
          if (!records) return std::move(records).error();
          count += records->size();
        }
        auto sessions = parse_chat_sessions(db, {});
        if (!sessions) return std::move(sessions).error();
        return count + sessions->size();
      }},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_whatsapp() {
  return std::make_unique<Whatsapp>();
}

}  // namespace lumiere::modules::ios
