// NetBase (DataUsage.sqlite / netusage.sqlite), iOS 9 to 18 layouts: ZPROCESS (Z_PK, ZFIRSTTIMESTAMP,
// ZTIMESTAMP, ZPROCNAME, ZBUNDLENAME) and ZLIVEUSAGE (ZHASPROCESS → ZPROCESS.Z_PK, ZTIMESTAMP, ZWWANIN/OUT, and
// ZWIFIIN/OUT until newer iOS dropped them). Core Data timestamps are Mac absolute time. Spec §3.4.
#include "modules/ios/netbase.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/time.hpp"
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

std::optional<std::int64_t> optional_int(const sqlite::Statement& stmt, std::string_view name) {
  return stmt.optional_integer(name);
}

std::optional<std::string> optional_string(const sqlite::Statement& stmt, std::string_view name) {
  auto text = stmt.optional_text(name);
  if (!text) return std::nullopt;
  return utf8_backslashreplace(*text);
}

void manipulated_check(ModuleContext& ctx, std::vector<NetbaseRecord>& records, const std::string& provenance) {
  std::vector<NetbaseRecord*> dangling;
  for (auto& r : records) {
    if (!r.proc_id && r.live_proc_id && !is_placeholder(r)) dangling.push_back(&r);
  }
  std::stable_sort(dangling.begin(), dangling.end(), [](const NetbaseRecord* a, const NetbaseRecord* b) {
    return timestamp_text(a->live_isodate) < timestamp_text(b->live_isodate);
  });
  std::set<std::int64_t> seen;
  for (NetbaseRecord* r : dangling) {
    r->proc_name = std::string(kNetbaseManipulatedName);
    r->first_isodate = r->live_isodate;
    r->isodate = r->live_isodate;
    const Json event = netbase_to_json(*r);
    const std::string when = timestamp_text(r->live_isodate);
    if (seen.insert(*r->live_proc_id).second) {
      ctx.alert(AlertLevel::kHigh,
                fmt::format("Found manipulated process entry {}. Entry on {}", *r->live_proc_id, when), when, event,
                provenance);
    }
    ctx.alert(AlertLevel::kHigh, fmt::format("Found manipulated process entry {}/", *r->live_proc_id), when, event,
              provenance);
  }
}

void missing_check(ModuleContext& ctx, std::vector<NetbaseRecord>& records, const std::string& provenance) {
  // The first record of each ZPROCESS row, by Z_PK.
  std::map<std::int64_t, const NetbaseRecord*> by_id;
  for (const auto& r : records) {
    if (r.proc_id) by_id.emplace(*r.proc_id, &r);
  }
  if (by_id.size() < 2) return;
  std::vector<NetbaseRecord> placeholders;
  const NetbaseRecord* previous = by_id.begin()->second;
  for (std::int64_t id = by_id.begin()->first; id < by_id.rbegin()->first; ++id) {
    if (auto it = by_id.find(id); it != by_id.end()) {
      previous = it->second;
      continue;
    }
    NetbaseRecord placeholder;
    const std::string previous_name = previous->proc_name.value_or("None");
    placeholder.proc_name = fmt::format("MISSING [follows {}]", previous_name);
    placeholder.proc_id = id;
    placeholder.first_isodate = previous->first_isodate;
    placeholder.isodate = previous->first_isodate;
    placeholder.live_isodate = previous->first_isodate;
    ctx.alert(AlertLevel::kLow,
              fmt::format("Missing process {}. Previous process at \"{}\" ({})", id, py_str(previous->first_isodate),
                          previous_name),
              timestamp_text(previous->first_isodate), netbase_to_json(placeholder), provenance);
    placeholders.push_back(std::move(placeholder));
  }
  if (placeholders.empty()) return;
  for (auto& p : placeholders) records.push_back(std::move(p));
  std::stable_sort(records.begin(), records.end(), [](const NetbaseRecord& a, const NetbaseRecord& b) {
    return timestamp_text(a.first_isodate) < timestamp_text(b.first_isodate);
  });
}

}  // namespace

Result<std::vector<NetbaseRecord>> parse_netbase(const sqlite::Database& db) {
  auto process = table_columns(db, "ZPROCESS");
  if (!process) return std::move(process).error();
  auto live = table_columns(db, "ZLIVEUSAGE");
  if (!live) return std::move(live).error();
  if (!process->exists()) return unsupported_schema(db, "no table ZPROCESS");
  if (!live->exists()) return unsupported_schema(db, "no table ZLIVEUSAGE");
  for (const auto column : {"Z_PK", "ZFIRSTTIMESTAMP", "ZTIMESTAMP", "ZPROCNAME", "ZBUNDLENAME"}) {
    if (!process->has(column)) return unsupported_schema(db, fmt::format("table ZPROCESS has no column {}", column));
  }
  for (const auto column : {"Z_PK", "ZHASPROCESS", "ZTIMESTAMP", "ZWWANIN", "ZWWANOUT"}) {
    if (!live->has(column)) return unsupported_schema(db, fmt::format("table ZLIVEUSAGE has no column {}", column));
  }
  const bool has_wifi = live->has_all({"ZWIFIIN", "ZWIFIOUT"});
  const std::string wifi =
      has_wifi ? "ZLIVEUSAGE.ZWIFIIN AS wifi_in, ZLIVEUSAGE.ZWIFIOUT AS wifi_out" : "NULL AS wifi_in, NULL AS wifi_out";
  // The second part lists processes no live-usage row points to. ZHASPROCESS IS NOT NULL keeps a NULL
  // foreign key from emptying NOT IN.
  const std::string sql = fmt::format(
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
  while (true) {
    auto row = stmt->step();
    if (!row) return std::move(row).error();
    if (!*row) break;
    NetbaseRecord r;
    r.first_isodate = column_json(*stmt, "first_ts");
    r.isodate = column_json(*stmt, "ts");
    if (!r.first_isodate.is_null() && !r.isodate.is_null()) {
      r.first_isodate = mac_json_to_iso(r.first_isodate);
      r.isodate = mac_json_to_iso(r.isodate);
    }
    r.proc_name = optional_string(*stmt, "proc_name");
    r.bundle_id = optional_string(*stmt, "bundle_id");
    r.proc_id = optional_int(*stmt, "proc_id");
    r.wifi_in = column_json(*stmt, "wifi_in");
    r.wifi_out = column_json(*stmt, "wifi_out");
    r.wwan_in = column_json(*stmt, "wwan_in");
    r.wwan_out = column_json(*stmt, "wwan_out");
    r.live_id = optional_int(*stmt, "live_id");
    r.live_proc_id = optional_int(*stmt, "live_proc_id");
    const Json live_ts = column_json(*stmt, "live_ts");
    r.live_isodate = live_ts.is_null() ? r.first_isodate : Json(mac_json_to_iso(live_ts));
    records.push_back(std::move(r));
  }
  return records;
}

Json netbase_to_json(const NetbaseRecord& r) {
  Json j = Json::object();
  j["first_isodate"] = r.first_isodate;
  j["isodate"] = r.isodate;
  j["proc_name"] = optional_json(r.proc_name);
  j["bundle_id"] = optional_json(r.bundle_id);
  j["proc_id"] = optional_json(r.proc_id);
  j["wifi_in"] = r.wifi_in;
  j["wifi_out"] = r.wifi_out;
  j["wwan_in"] = r.wwan_in;
  j["wwan_out"] = r.wwan_out;
  j["live_id"] = optional_json(r.live_id);
  j["live_proc_id"] = optional_json(r.live_proc_id);
  j["live_isodate"] = r.live_isodate;
  return j;
}

std::optional<NetbaseRecord> netbase_from_json(const Json& stored) {
  if (!stored.is_object()) return std::nullopt;
  auto text = [&](const char* key) -> std::optional<std::string> {
    auto it = stored.find(key);
    if (it == stored.end() || !it->is_string()) return std::nullopt;
    return it->get<std::string>();
  };
  auto integer = [&](const char* key) -> std::optional<std::int64_t> {
    auto it = stored.find(key);
    if (it == stored.end() || !it->is_number_integer()) return std::nullopt;
    return it->get<std::int64_t>();
  };
  auto raw = [&](const char* key) -> Json { return stored.contains(key) ? stored.at(key) : Json(nullptr); };
  NetbaseRecord r;
  r.first_isodate = raw("first_isodate");
  r.isodate = raw("isodate");
  r.proc_name = text("proc_name");
  r.bundle_id = text("bundle_id");
  r.proc_id = integer("proc_id");
  r.wifi_in = raw("wifi_in");
  r.wifi_out = raw("wifi_out");
  r.wwan_in = raw("wwan_in");
  r.wwan_out = raw("wwan_out");
  r.live_id = integer("live_id");
  r.live_proc_id = integer("live_proc_id");
  r.live_isodate = raw("live_isodate");
  return r;
}

void netbase_check(ModuleContext& ctx, std::vector<NetbaseRecord>& records, const std::string& provenance) {
  if (records.empty()) return;
  manipulated_check(ctx, records, provenance);
  missing_check(ctx, records, provenance);
  const auto* iocs = ctx.indicators();
  if (iocs == nullptr) return;
  for (const auto& r : records) {
    if (!r.proc_id || !r.proc_name || is_placeholder(r)) continue;
    if (auto match = iocs->match_process(*r.proc_name)) {
      ctx.alert(AlertLevel::kCritical, *match, timestamp_text(r.first_isodate), netbase_to_json(r), provenance);
    }
  }
}

void netbase_timeline(ModuleContext& ctx, const NetbaseRecord& r) {
  const std::string data = fmt::format("{} (Bundle ID: {}, ID: {}) WWAN IN: {}, WWAN OUT: {}",
                                       r.proc_name.value_or("None"), r.bundle_id.value_or("None"),
                                       py_str(optional_json(r.proc_id)), py_str(r.wwan_in), py_str(r.wwan_out));
  ctx.timeline(timestamp_text(r.live_isodate), "live_usage", data);
  if (r.live_proc_id && !is_placeholder(r)) {
    ctx.timeline(timestamp_text(r.first_isodate), "first_usage", data);
    ctx.timeline(timestamp_text(r.isodate), "current_usage", data);
  }
}

}  // namespace lumiere::modules::ios
