// NetBase (DataUsage.sqlite / netusage.sqlite), iOS 9 to 18 layouts: ZPROCESS (Z_PK, ZFIRSTTIMESTAMP,
// ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME) and ZLIVEUSAGE (ZHASPROCESS → ZPROCESS.Z_PK, ZTIMESTAMP, ZWWANIN/OUT, and
// ZWIFIIN/OUT until newer iOS dropped them). Core Data timestamps are Mac absolute time. Spec §3.4.
#include "modules/ios/netbase.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "core/time.hpp"
#include "framework/fields.hpp"
#include "framework/sql_select.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {
namespace {

std::string mac_json_to_iso(const Json& value) {
  if (value.is_number_integer()) return timeconv::mac_to_iso(value.get<std::int64_t>());
  if (value.is_number()) return timeconv::mac_to_iso(value.get<double>());
  return "";
}

std::string timestamp_text(const Json& value) {
  return value.is_string() ? value.get<std::string>() : std::string();
}

bool is_placeholder(const NetbaseRecord& r) {
  return r.proc_name && (r.proc_name->starts_with("MANIPULATED [") || r.proc_name->starts_with("MISSING ["));
}

// MVT's record keys, in its order; the derived dates are filled by parse_netbase.
constexpr std::array kFields{
    field<&NetbaseRecord::first_isodate>("first_isodate"),
    field<&NetbaseRecord::isodate>("isodate"),
    field<&NetbaseRecord::proc_name, Text::kOnRead>("proc_name", "proc_name"),
    field<&NetbaseRecord::bundle_id, Text::kOnRead>("bundle_id", "bundle_id"),
    field<&NetbaseRecord::proc_id>("proc_id", "proc_id"),
    field<&NetbaseRecord::wifi_in>("wifi_in", "wifi_in"),
    field<&NetbaseRecord::wifi_out>("wifi_out", "wifi_out"),
    field<&NetbaseRecord::wwan_in>("wwan_in", "wwan_in"),
    field<&NetbaseRecord::wwan_out>("wwan_out", "wwan_out"),
    field<&NetbaseRecord::live_id>("live_id", "live_id"),
    field<&NetbaseRecord::live_proc_id>("live_proc_id", "live_proc_id"),
    field<&NetbaseRecord::live_isodate>("live_isodate"),
};

// An alert of the whole-set pass, raised once the records have their final order.
struct PendingAlert {
  std::size_t record;  // index before the final re-sort
  AlertLevel level;
  std::string message;
  std::string when;
};

// Live usage whose process row is gone: renamed MANIPULATED, with MVT's two alerts.
void manipulated_check(std::vector<NetbaseRecord>& records, std::vector<PendingAlert>& pending) {
  std::vector<std::size_t> dangling;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    if (!r.proc_id && r.live_proc_id && !is_placeholder(r)) dangling.push_back(i);
  }
  std::stable_sort(dangling.begin(), dangling.end(), [&](std::size_t a, std::size_t b) {
    return timestamp_text(records[a].live_isodate) < timestamp_text(records[b].live_isodate);
  });
  std::set<std::int64_t> seen;
  for (const std::size_t i : dangling) {
    NetbaseRecord& r = records[i];
    r.proc_name = std::string(kNetbaseManipulatedName);
    r.first_isodate = r.live_isodate;
    r.isodate = r.live_isodate;
    const std::string when = timestamp_text(r.live_isodate);
    if (seen.insert(*r.live_proc_id).second) {
      pending.push_back({i, AlertLevel::kHigh,
                         fmt::format("Found manipulated process entry {}. Entry on {}", *r.live_proc_id, when), when});
    }
    pending.push_back(
        {i, AlertLevel::kHigh, fmt::format("Found manipulated process entry {}/", *r.live_proc_id), when});
  }
}

// Gaps in ZPROCESS.Z_PK: a MISSING placeholder each, appended (the caller re-sorts).
void missing_check(std::vector<NetbaseRecord>& records, std::vector<PendingAlert>& pending) {
  // The first record of each ZPROCESS row, by Z_PK.
  std::map<std::int64_t, std::size_t> by_id;
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (records[i].proc_id) by_id.emplace(*records[i].proc_id, i);
  }
  if (by_id.size() < 2) return;
  const std::size_t existing = records.size();
  std::size_t previous = by_id.begin()->second;
  for (std::int64_t id = by_id.begin()->first; id < by_id.rbegin()->first; ++id) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      previous = it->second;
      continue;
    }
    const NetbaseRecord& before = records[previous];
    NetbaseRecord placeholder;
    const std::string previous_name = before.proc_name.value_or("None");
    placeholder.proc_name = fmt::format("MISSING [follows {}]", previous_name);
    placeholder.proc_id = id;
    placeholder.first_isodate = before.first_isodate;
    placeholder.isodate = before.first_isodate;
    placeholder.live_isodate = before.first_isodate;
    placeholder.provenance = before.provenance;
    pending.push_back({existing + (records.size() - existing), AlertLevel::kLow,
                       fmt::format("Missing process {}. Previous process at \"{}\" ({})", id,
                                   python_str(before.first_isodate), previous_name),
                       timestamp_text(before.first_isodate)});
    records.push_back(std::move(placeholder));
  }
}

}  // namespace

Result<std::vector<NetbaseRecord>> parse_netbase(const sqlite::Database& db) {
  auto process = table_columns(db, "ZPROCESS");
  if (!process) return std::move(process).error();
  auto live = table_columns(db, "ZLIVEUSAGE");
  if (!live) return std::move(live).error();
  if (!process->exists()) return unsupported_schema(db, "no table ZPROCESS");
  if (!live->exists()) return unsupported_schema(db, "no table ZLIVEUSAGE");
  // The keys that join the two tables and the process name the indicators are matched on; the rest is read
  // as NULL when a build lacks it (ZWIFIIN/ZWIFIOUT are gone on newer iOS).
  for (const auto column : {"Z_PK", "ZPROCNAME"}) {
    if (!process->has(column)) return unsupported_schema(db, fmt::format("table ZPROCESS has no column {}", column));
  }
  for (const auto column : {"Z_PK", "ZHASPROCESS"}) {
    if (!live->has(column)) return unsupported_schema(db, fmt::format("table ZLIVEUSAGE has no column {}", column));
  }
  static constexpr std::array<std::string_view, 3> kProcessOptional{"ZFIRSTTIMESTAMP", "ZTIMESTAMP", "ZBUNDLENAME"};
  static constexpr std::array<std::string_view, 5> kLiveOptional{"ZTIMESTAMP", "ZWWANIN", "ZWWANOUT", "ZWIFIIN",
                                                                 "ZWIFIOUT"};
  auto shadow = null_missing_columns(db, {{"ZPROCESS", kProcessOptional}, {"ZLIVEUSAGE", kLiveOptional}});
  if (!shadow) return std::move(shadow).error();
  const std::string wifi = "ZLIVEUSAGE.ZWIFIIN AS wifi_in, ZLIVEUSAGE.ZWIFIOUT AS wifi_out";
  // The second part lists processes no live-usage row points to. ZHASPROCESS IS NOT NULL keeps a NULL
  // foreign key from emptying NOT IN.
  const std::string sql =
      *shadow +
      fmt::format(
          "SELECT ZPROCESS.ZFIRSTTIMESTAMP AS first_ts, ZPROCESS.ZTIMESTAMP AS ts, ZPROCESS.ZPROCNAME AS proc_name, "
          "ZPROCESS.ZBUNDLENAME AS bundle_id, ZPROCESS.Z_PK AS proc_id, {}, ZLIVEUSAGE.ZWWANIN AS wwan_in, "
          "ZLIVEUSAGE.ZWWANOUT AS wwan_out, ZLIVEUSAGE.Z_PK AS live_id, ZLIVEUSAGE.ZHASPROCESS AS live_proc_id, "
          "ZLIVEUSAGE.ZTIMESTAMP AS live_ts "
          "FROM ZLIVEUSAGE LEFT JOIN ZPROCESS ON ZLIVEUSAGE.ZHASPROCESS = ZPROCESS.Z_PK "
          "UNION "
          "SELECT ZFIRSTTIMESTAMP, ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME, Z_PK, NULL, NULL, NULL, NULL, NULL, NULL, NULL "
          "FROM ZPROCESS WHERE Z_PK NOT IN (SELECT ZHASPROCESS FROM ZLIVEUSAGE WHERE ZHASPROCESS IS NOT NULL) "
          "ORDER BY first_ts, proc_id, live_id",
          wifi);
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<NetbaseRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    NetbaseRecord r;
    fields_from_row<NetbaseRecord>(kFields, r, row);
    r.first_isodate = column_json(row, "first_ts");
    r.isodate = column_json(row, "ts");
    if (!r.first_isodate.is_null() && !r.isodate.is_null()) {
      r.first_isodate = mac_json_to_iso(r.first_isodate);
      r.isodate = mac_json_to_iso(r.isodate);
    }
    const Json live_ts = column_json(row, "live_ts");
    r.live_isodate = live_ts.is_null() ? r.first_isodate : Json(mac_json_to_iso(live_ts));
    records.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

Json netbase_to_json(const NetbaseRecord& r) {
  return fields_to_json<NetbaseRecord>(kFields, r);
}

std::optional<NetbaseRecord> netbase_from_json(const Json& stored) {
  return fields_from_json<NetbaseRecord>(kFields, stored);
}

bool netbase_whole_set(ModuleContext& ctx, std::vector<NetbaseRecord>& records) {
  if (records.empty()) return false;
  std::vector<PendingAlert> pending;
  const std::size_t parsed = records.size();
  manipulated_check(records, pending);
  missing_check(records, pending);
  // Final order: by first_isodate, stable, once placeholders were added (MVT re-sorts then).
  std::vector<std::size_t> final_index(records.size());
  for (std::size_t i = 0; i < final_index.size(); ++i) final_index[i] = i;
  if (records.size() != parsed) {
    std::vector<std::size_t> order = final_index;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return timestamp_text(records[a].first_isodate) < timestamp_text(records[b].first_isodate);
    });
    std::vector<NetbaseRecord> sorted;
    sorted.reserve(records.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
      final_index[order[k]] = k;
      sorted.push_back(std::move(records[order[k]]));
    }
    records = std::move(sorted);
  }
  for (auto& alert : pending) {
    const std::size_t index = final_index[alert.record];
    ctx.set_record_index(index);
    ctx.alert(alert.level, std::move(alert.message), alert.when, netbase_to_json(records[index]),
              records[index].provenance);
  }
  ctx.set_record_index(std::nullopt);
  return !pending.empty();
}

void netbase_check(ModuleContext& ctx, const NetbaseRecord& r, const Json& json) {
  const auto* iocs = ctx.indicators();
  if (iocs == nullptr || !r.proc_id || !r.proc_name || is_placeholder(r)) return;
  if (auto match = iocs->match_process(*r.proc_name)) {
    ctx.alert(AlertLevel::kCritical, *match, timestamp_text(r.first_isodate), json, r.provenance);
  }
}

void netbase_timeline(ModuleContext& ctx, const NetbaseRecord& r) {
  const std::string data =
      fmt::format("{} (Bundle ID: {}, ID: {}) WWAN IN: {}, WWAN OUT: {}", r.proc_name.value_or("None"),
                  r.bundle_id.value_or("None"), python_str(r.proc_id ? Json(*r.proc_id) : Json(nullptr)),
                  python_str(r.wwan_in), python_str(r.wwan_out));
  ctx.timeline(timestamp_text(r.live_isodate), "live_usage", data);
  if (r.live_proc_id && !is_placeholder(r)) {
    ctx.timeline(timestamp_text(r.first_isodate), "first_usage", data);
    ctx.timeline(timestamp_text(r.isodate), "current_usage", data);
  }
}

}  // namespace lumiere::modules::ios
