// Artifact: HomeDomain Library/CallHistoryDB/CallHistory.storedata (Core Data, iOS 8+), table ZCALLRECORD.
// ZADDRESS is stored as a BLOB; ZSERVICE_PROVIDER (CallKit, iOS 10+) is absent from older databases.
// Dates are Mac absolute time. Spec §3.3 Calls.
#include "modules/ios/calls.hpp"

#include <fmt/core.h>

#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"

namespace lumiere::modules::ios {
namespace {

class Calls final : public RecordModule<CallRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return calls_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<CallRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<CallRecord>(ctx, parse_calls);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} calls", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const CallRecord& r) const override {
    Json j = Json::object();
    j["isodate"] = r.isodate;
    j["duration"] = r.duration;
    j["location"] = r.location;
    j["number"] = r.number;
    j["provider"] = r.provider;
    return j;
  }

  [[nodiscard]] std::optional<CallRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    return CallRecord{};  // no indicator check: nothing to rebuild
  }

  void timeline(ModuleContext& ctx, const CallRecord& r) const override {
    ctx.timeline(
        r.isodate, "call",
        fmt::format("From {} using {} during {} seconds", py_str(r.number), py_str(r.provider), py_str(r.duration)));
  }
};

}  // namespace

Result<std::vector<CallRecord>> parse_calls(const sqlite::Database& db) {
  auto columns = table_columns(db, "ZCALLRECORD");
  if (!columns) return std::move(columns).error();
  if (!columns->exists()) return unsupported_schema(db, "no table ZCALLRECORD");
  for (const auto column : {"ZDATE", "ZDURATION", "ZADDRESS"}) {
    if (!columns->has(column)) return unsupported_schema(db, fmt::format("table ZCALLRECORD has no column {}", column));
  }
  const std::string sql = fmt::format(
      "SELECT ZDATE AS date, ZDURATION AS duration, {} AS location, ZADDRESS AS address, {} AS provider "
      "FROM ZCALLRECORD ORDER BY ZDATE ASC",
      columns->has("ZLOCATION") ? "ZLOCATION" : "NULL",
      columns->has("ZSERVICE_PROVIDER") ? "ZSERVICE_PROVIDER" : "NULL");
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<CallRecord> records;
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    CallRecord r;
    const Json date = column_json(*stmt, "date");
    if (date.is_number_integer()) {
      r.isodate = timeconv::mac_to_iso(date.get<std::int64_t>());
    } else if (date.is_number()) {
      r.isodate = timeconv::mac_to_iso(date.get<double>());
    }
    r.duration = column_json(*stmt, "duration");
    r.location = column_json(*stmt, "location");
    r.number = column_json(*stmt, "address");  // BLOB or TEXT: decoded as UTF-8 either way
    r.provider = column_json(*stmt, "provider");
    records.push_back(std::move(r));
  }
  return records;
}

const ModuleDescriptor& calls_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.calls",
      .slug = "calls",
      .mvt_class = "Calls",
      .description = "Phone and FaceTime call history (CallHistory.storedata): number, duration, provider",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/CallHistoryDB/CallHistory.storedata",
                     .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_calls() {
  return std::make_unique<Calls>();
}

}  // namespace lumiere::modules::ios
