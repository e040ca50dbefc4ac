// Artifact: sms.db of Messages (HomeDomain Library/SMS/sms.db), tables message and handle; iOS 11+ layout
// (nanosecond Mac times) and older (seconds). Since iOS 16 many messages keep their text only in
// message.attributedBody, an NSAttributedString in typedstream encoding (core/typedstream.hpp).
// Reference: spec §3.3 SMS; public descriptions of the sms.db schema (iOS 15, iOS 17).
#include "modules/ios/sms.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>

#include "core/base64.hpp"
#include "core/time.hpp"
#include "core/typedstream.hpp"
#include "indicators/links.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& sms_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array<std::string_view, 3> kBase64Columns{"attributedBody", "payload_data", "message_summary_info"};
// The message's key; every other column is optional (without handle_id no sender is known: every message is
// read, with a null phone number, instead of MVT's inner join).
constexpr std::array<std::string_view, 1> kRequiredMessageColumns{"ROWID"};
constexpr std::array<std::string_view, 6> kOptionalMessageColumns{"date", "date_read", "is_from_me",
                                                                  "text", "service",   "guid"};
// Apple's threat notifications (support.apple.com/HT212960), as the first words of the iMessage.
constexpr std::array<std::string_view, 2> kThreatNotificationPrefixes{
    "ALERT: State-sponsored attackers may be targeting your iPhone",
    "ALERT: Apple detected a targeted mercenary spyware attack against your iPhone"};

std::string escape_newlines(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

class Sms final : public RecordModule<SmsRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return sms_descriptor(); }

 protected:
  // Streamed: a large sms.db is never held whole (stream_each_database).
  [[nodiscard]] Result<void> produce(ModuleContext& ctx, const std::function<void(SmsRecord&&)>& emit) const override {
    std::size_t total = 0;
    std::size_t decoded = 0;
    std::size_t undecoded = 0;
    const StreamingParse<SmsRecord> parse = [&](const sqlite::Database& db,
                                                const std::function<void(SmsRecord &&)>& on_record) {
      total = decoded = undecoded = 0;  // a salvaged database is read again from the start
      return parse_sms_each(db, [&](SmsRecord&& record) {
        ++total;
        if (record.json.contains("attributed_body_text")) ++decoded;
        if (record.undecoded_body) ++undecoded;
        on_record(std::move(record));
      });
    };
    return stream_each_database<SmsRecord>(ctx, parse, emit, [&](const sources::BackupFile& file) {
      if (undecoded > 0) {
        ctx.warn(WarningKind::kNote, file.provenance(),
                 fmt::format("{} message(s) keep their text only in an attributedBody that could not be decoded; "
                             "links in them were not checked",
                             undecoded));
      }
      // sms.db is one file: its count is the module's.
      ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} SMS messages ({} with their text only in "
                                                    "attributedBody)",
                                                    total, decoded));
    });
  }

  [[nodiscard]] Json to_json(const SmsRecord& record) const override { return record.json; }

  [[nodiscard]] std::optional<SmsRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    return SmsRecord{stored, sms_links_to_check(stored), "", false};
  }

  void check(ModuleContext& ctx, const SmsRecord& record, const Json& json) const override {
    const std::string isodate = json.value("isodate", "");
    // Always on: Apple's own threat notification. On iOS 16+ its text may be only in attributedBody.
    const std::string text = json.value("text", "");
    const std::string shown = text.empty() ? json.value("attributed_body_text", "") : text;
    const bool warning = std::any_of(kThreatNotificationPrefixes.begin(), kThreatNotificationPrefixes.end(),
                                     [&](std::string_view prefix) { return shown.starts_with(prefix); });
    if (warning) {
      ctx.alert(AlertLevel::kHigh, fmt::format("Apple warning about state-sponsored attack received on {}", isodate),
                isodate, json, record.provenance);
    }
    const auto& links = record.all_links;
    if (!links.empty()) check_links(ctx, links, AlertLevel::kCritical, "", json, record.provenance);
    record_links(ctx, links, isodate, "sms");
  }

  void timeline(ModuleContext& ctx, const SmsRecord& record) const override {
    const Json& j = record.json;
    const std::string data =
        fmt::format("{}: {} \"{}\" from {} ({})", python_str(j.value("service", Json())),
                    python_str(j.value("guid", Json())), escape_newlines(j.value("text", "")),
                    python_str(j.value("phone_number", Json())), python_str(j.value("account", Json())));
    // MVT names the first row sms_received even for messages the phone sent.
    ctx.timeline(j.value("isodate", ""), "sms_received", data);
    const std::string read = j.value("isodate_read", "");
    if (!read.empty()) ctx.timeline(read, "sms_read", data);
  }
};

}  // namespace

std::vector<std::string> sms_links_to_check(const Json& record) {
  std::vector<std::string> links;
  if (const auto it = record.find("links"); it != record.end() && it->is_array()) {
    for (const auto& link : *it) {
      if (link.is_string()) links.push_back(link.get<std::string>());
    }
  }
  if (links.empty()) links = ioc::extract_links(record.value("text", ""));
  for (auto& link : ioc::extract_links(record.value("attributed_body_text", ""))) {
    if (std::find(links.begin(), links.end(), link) == links.end()) links.push_back(std::move(link));
  }
  return links;
}

Result<std::vector<SmsRecord>> parse_sms(const sqlite::Database& db) {
  std::vector<SmsRecord> records;
  auto ok = parse_sms_each(db, [&records](SmsRecord&& record) { records.push_back(std::move(record)); });
  if (!ok) return std::move(ok).error();
  return records;
}

Result<void> parse_sms_each(const sqlite::Database& db, const std::function<void(SmsRecord&&)>& on_record) {
  auto message = table_columns(db, "message");
  if (!message) return std::move(message).error();
  auto handle = table_columns(db, "handle");
  if (!handle) return std::move(handle).error();
  if (!message->exists()) return unexpected(unsupported_schema(db, "no table message"));
  const bool with_handle = message->has("handle_id") && handle->has("ROWID");
  for (const auto column : kRequiredMessageColumns) {
    if (!message->has(column)) {
      return unexpected(unsupported_schema(db, fmt::format("table message has no column {}", column)));
    }
  }
  // A table with neither text nor attributedBody is not a message table of any known layout (a look-alike).
  if (!message->has("text") && !message->has("attributedBody")) {
    return unexpected(unsupported_schema(db, "table message has neither text nor attributedBody"));
  }
  // The other columns the module reads are null where a schema lacks them (a note, not a refusal).
  static constexpr std::array<std::string_view, 1> kHandleOptional{"id"};
  auto shadow = null_missing_columns(db, {{"message", kOptionalMessageColumns}, {"handle", kHandleOptional}});
  if (!shadow) return std::move(shadow).error();
  // message.* as MVT selects it, then the handle's address; messages without a handle are left out (inner join).
  std::vector<std::string> names;
  std::string sql = *shadow + select_all_columns(*message, "message", kOptionalMessageColumns, names);
  sql += with_handle ? "handle.id AS phone_number FROM message JOIN handle ON handle.ROWID = message.handle_id "
                       "ORDER BY message.ROWID"
                     : "NULL AS phone_number FROM message ORDER BY message.ROWID";
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  const int column_count = static_cast<int>(names.size());
  std::vector<char> base64_column;
  base64_column.reserve(names.size());
  for (const auto& name : names) {
    base64_column.push_back(std::find(kBase64Columns.begin(), kBase64Columns.end(), name) != kBase64Columns.end() ? 1
                                                                                                                  : 0);
  }
  return sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    SmsRecord record;
    Json& j = record.json;
    j = Json::object();
    // The columns straight into the object's member list: their names are distinct (one table's columns),
    // so the by-name insert's search of the members before it (quadratic over ~80 columns) is not needed.
    auto& members = j.get_ref<Json::object_t&>();
    members.reserve(static_cast<std::size_t>(column_count) + 8);
    for (int i = 0; i < column_count; ++i) {
      const std::size_t c = static_cast<std::size_t>(i);
      members.emplace_back(names[c], column_json(row, i, base64_column[c] != 0));
    }
    j["phone_number"] = column_json(row, column_count, false);
    j["isodate"] = mac_time_iso(j["date"]);
    j["isodate_read"] = mac_time_iso(j["date_read"]);
    j["direction"] = j["is_from_me"] == 1 ? "sent" : "received";
    const std::string text = row.text("text");
    j["text"] = json_text(text);
    const auto links = ioc::extract_links(text);
    Json link_list = Json::array();
    for (const auto& link : links) link_list.push_back(json_text(link));
    j["links"] = std::move(link_list);
    // Beyond MVT: the text that only the attributedBody archive holds (iOS 16+), so its links are checked.
    if (text.empty() && message->has("attributedBody") && !row.is_null("attributedBody")) {
      auto decoded = typedstream::attributed_string_text(row.blob("attributedBody"));
      if (decoded && !decoded->empty()) j["attributed_body_text"] = json_text(*decoded);
      record.undecoded_body = !decoded;
    }
    record.all_links = sms_links_to_check(j);
    on_record(std::move(record));
  });
}

const ModuleDescriptor& sms_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.sms",
      .slug = "sms",
      .mvt_class = "SMS",
      .description =
          "SMS and iMessage messages of sms.db, with text decoded from attributedBody (iOS 16+); checks their "
          "links against indicators and flags Apple's threat notifications",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/SMS/sms.db",
                     .fs_glob = "private/var/mobile/Library/SMS/sms.db"}},
      .timestamp_fields = {"isodate", "isodate_read"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = &parse_entry<&parse_sms, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_sms() {
  return std::make_unique<Sms>();
}

}  // namespace lumiere::modules::ios
