// Artifact: sms.db of Messages (HomeDomain Library/SMS/sms.db), table attachment joined to its message and
// handle; iOS 14-17 layouts (created_date/start_date in Mac seconds). Reference: spec §3.3 SMSAttachments.
#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& sms_attachments_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array<std::string_view, 5> kBase64Columns{"user_info", "sticker_user_info", "attribution_info",
                                                         "ck_server_change_token_blob",
                                                         "sr_ck_server_change_token_blob"};
// The attachment's key (the joins) and its file name (what the checks read); every other column is optional.
constexpr std::array<std::string_view, 2> kRequiredColumns{"ROWID", "filename"};
constexpr std::array<std::string_view, 4> kOptionalColumns{"created_date", "start_date", "is_outgoing", "user_info"};
struct JoinColumns {
  std::string_view table;
  std::string_view first;
  std::string_view second;
};
constexpr std::array<JoinColumns, 3> kJoinColumns{{{"message_attachment_join", "message_id", "attachment_id"},
                                                   {"message", "ROWID", "ROWID"},
                                                   {"handle", "ROWID", "ROWID"}}};
// Files the exploit chains of 2021 (FORCEDENTRY era) left behind: received, in /var/tmp, named "...-1".
constexpr std::string_view kSuspiciousFolder = "/var/tmp/";
constexpr std::string_view kSuspiciousSuffix = "-1";

struct AttachmentRecord {
  Json json;
  std::string provenance;
};

std::string mac_time_iso(const Json& value) {
  if (value.is_number_integer()) return timeconv::mac_to_iso(value.get<std::int64_t>());
  if (value.is_number_float()) return timeconv::mac_to_iso(value.get<double>());
  return "";
}

Result<std::vector<AttachmentRecord>> parse_attachments(const sqlite::Database& db) {
  auto attachment = table_columns(db, "attachment");
  if (!attachment) return std::move(attachment).error();
  if (!attachment->exists()) return unexpected(unsupported_schema(db, "no table attachment"));
  for (const auto column : kRequiredColumns) {
    if (!attachment->has(column)) {
      return unexpected(unsupported_schema(db, fmt::format("table attachment has no column {}", column)));
    }
  }
  // The joins to the message and its sender.
  for (const auto& [table, first, second] : kJoinColumns) {
    auto found = table_columns(db, table);
    if (!found) return std::move(found).error();
    if (!found->has(first) || !found->has(second)) {
      return unexpected(unsupported_schema(db, fmt::format("table {} lacks a column of the attachment join", table)));
    }
  }
  // The sender (message.handle_id, handle.id) and the service are left null where a schema lacks them.
  static constexpr std::array<std::string_view, 2> kMessageOptional{"service", "handle_id"};
  static constexpr std::array<std::string_view, 1> kHandleOptional{"id"};
  auto shadow = null_missing_columns(
      db, {{"attachment", kOptionalColumns}, {"message", kMessageOptional}, {"handle", kHandleOptional}});
  if (!shadow) return std::move(shadow).error();
  std::vector<std::string> names;
  std::string sql = *shadow + select_all_columns(*attachment, "attachment", kOptionalColumns, names);
  sql +=
      "attachment.ROWID AS attachment_id, message.service AS service, handle.id AS phone_number "
      "FROM attachment "
      "LEFT JOIN message_attachment_join ON message_attachment_join.attachment_id = attachment.ROWID "
      "LEFT JOIN message ON message.ROWID = message_attachment_join.message_id "
      "LEFT JOIN handle ON handle.ROWID = message.handle_id ORDER BY attachment.ROWID";
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  const int column_count = static_cast<int>(names.size());
  std::vector<AttachmentRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    AttachmentRecord record;
    Json& j = record.json;
    j = Json::object();
    for (int i = 0; i < column_count; ++i) {
      const std::string& name = names[static_cast<std::size_t>(i)];
      const bool base64 = std::find(kBase64Columns.begin(), kBase64Columns.end(), name) != kBase64Columns.end();
      j[name] = column_json(row, i, base64);
    }
    j["attachment_id"] = column_json(row, column_count, false);
    Json service = column_json(row, column_count + 1, false);
    j["service"] = service.is_null() ? Json("Unknown") : service;
    j["phone_number"] = column_json(row, column_count + 2, false);
    j["isodate"] = mac_time_iso(j["created_date"]);
    j["start_date"] = mac_time_iso(j["start_date"]);
    j["direction"] = j["is_outgoing"] == 1 ? "sent" : "received";
    j["has_user_info"] = !row.is_null("user_info");
    if (j["filename"].is_null()) j["filename"] = "NULL";
    records.push_back(std::move(record));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

const ModuleDescriptor& descriptor_ref();

class SmsAttachments final : public RecordModule<AttachmentRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return descriptor_ref(); }

 protected:
  [[nodiscard]] Result<std::vector<AttachmentRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<AttachmentRecord>(ctx, parse_attachments);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} SMS attachments", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const AttachmentRecord& record) const override { return record.json; }

  [[nodiscard]] std::optional<AttachmentRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    return AttachmentRecord{stored, ""};
  }

  void check(ModuleContext& ctx, const AttachmentRecord& record, const Json& json) const override {
    const std::string filename = json.value("filename", "");
    const std::string isodate = json.value("isodate", "");
    if (const auto* iocs = ctx.indicators(); iocs != nullptr) {
      if (auto match = iocs->match_file_path(filename))
        ctx.alert(AlertLevel::kHigh, *match, "", json, record.provenance);
    }
    if (filename.starts_with(kSuspiciousFolder) && filename.ends_with(kSuspiciousSuffix) &&
        json.value("direction", "") == "received") {
      ctx.alert(AlertLevel::kMedium, fmt::format("Suspicious iMessage attachment {} on {}", filename, isodate), isodate,
                json, record.provenance);
    }
  }

  void timeline(ModuleContext& ctx, const AttachmentRecord& record) const override {
    const Json& j = record.json;
    const auto field = [&](const char* key) { return python_str(j.value(key, Json())); };
    ctx.timeline(j.value("isodate", ""), "sms_attachment",
                 fmt::format("{}: Attachment '{}' {} from {} with {} bytes (is_sticker: {}, has_user_info: {})",
                             field("service"), field("transfer_name"), field("direction"), field("phone_number"),
                             field("total_bytes"), field("is_sticker"), field("has_user_info")));
  }
};

const ModuleDescriptor& descriptor_ref() {
  return sms_attachments_descriptor();
}

}  // namespace

const ModuleDescriptor& sms_attachments_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.sms_attachments",
      .slug = "sms_attachments",
      .mvt_class = "SMSAttachments",
      .description =
          "Attachments of SMS and iMessage messages in sms.db; checks their paths against indicators and flags "
          "received files left in /var/tmp",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/SMS/sms.db",
                     .fs_glob = "private/var/mobile/Library/SMS/sms.db"}},
      .timestamp_fields = {"isodate", "start_date"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = &parse_entry<&parse_attachments, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_sms_attachments() {
  return std::make_unique<SmsAttachments>();
}

}  // namespace lumiere::modules::ios
