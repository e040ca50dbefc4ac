// Artifact: HomeDomain Library/CallHistoryDB/CallHistory.storedata (Core Data, iOS 8+), table ZCALLRECORD.
// ZADDRESS is stored as a BLOB; ZSERVICE_PROVIDER (CallKit, iOS 10+) is absent from older databases.
// Dates are Mac absolute time. Spec §3.3 Calls.
#include "modules/ios/calls.hpp"

#include <fmt/core.h>

#include <array>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& calls_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

// MVT's record keys, in its order; isodate is derived from ZDATE.
constexpr std::array kFields{
    field<&CallRecord::isodate>("isodate"),
    field<&CallRecord::duration>("duration", "duration"),
    field<&CallRecord::location>("location", "location"),
    field<&CallRecord::number>("number", "address"),  // BLOB or TEXT: decoded as UTF-8 either way
    field<&CallRecord::provider>("provider", "provider"),
};

const SqlSelect kSelect{
    .tables = {"ZCALLRECORD"},
    .columns = {{"ZCALLRECORD", "ZDATE", "date", Need::kOptional},
                {"ZCALLRECORD", "ZDURATION", "duration", Need::kOptional},
                {"ZCALLRECORD", "ZADDRESS", "address", Need::kOptional},
                {"ZCALLRECORD", "ZLOCATION", "location", Need::kOptional},
                {"ZCALLRECORD", "ZSERVICE_PROVIDER", "provider", Need::kOptional}},  // CallKit, iOS 10+
    .rest = "FROM ZCALLRECORD ORDER BY ZDATE ASC",
};

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

  [[nodiscard]] Json to_json(const CallRecord& r) const override { return fields_to_json<CallRecord>(kFields, r); }

  [[nodiscard]] std::optional<CallRecord> from_json(const Json& stored) const override {
    return fields_from_json<CallRecord>(kFields, stored);  // no indicator check: rebuilt for completeness
  }

  void timeline(ModuleContext& ctx, const CallRecord& r) const override {
    ctx.timeline(r.isodate, "call",
                 fmt::format("From {} using {} during {} seconds", python_str(r.number), python_str(r.provider),
                             python_str(r.duration)));
  }
};

}  // namespace

Result<std::vector<CallRecord>> parse_calls(const sqlite::Database& db) {
  return select_records<CallRecord>(db, kSelect, kFields, [](CallRecord& r, const sqlite::Statement& row) {
    const Json date = column_json(row, "date");
    if (date.is_number_integer()) {
      r.isodate = timeconv::mac_to_iso(date.get<std::int64_t>());
    } else if (date.is_number()) {
      r.isodate = timeconv::mac_to_iso(date.get<double>());
    }
  });
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
      .evidence = &evidence::kDelivery,
      .parse = {.sqlite = &parse_entry<&parse_calls, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_calls() {
  return std::make_unique<Calls>();
}

}  // namespace lumiere::modules::ios
