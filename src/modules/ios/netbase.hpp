// NetBase: the per-process network usage store of iOS (DataUsage.sqlite in backups, netusage.sqlite in
// filesystem dumps), tables ZPROCESS and ZLIVEUSAGE (Core Data). Shared by Datausage and Netusage (spec §3.4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "core/sqlite.hpp"
#include "framework/module.hpp"

namespace lumiere::modules::ios {

struct NetbaseRecord {
  // `iso` text when both ZFIRSTTIMESTAMP and ZTIMESTAMP are set, else the raw values (MVT behaviour).
  Json first_isodate;
  Json isodate;
  std::optional<std::string> proc_name;
  std::optional<std::string> bundle_id;
  std::optional<std::int64_t> proc_id;  // ZPROCESS.Z_PK; absent when ZHASPROCESS points to a deleted row
  Json wifi_in;                         // null when the schema has no ZWIFIIN/ZWIFIOUT (newer iOS)
  Json wifi_out;
  Json wwan_in;
  Json wwan_out;
  std::optional<std::int64_t> live_id;       // ZLIVEUSAGE.Z_PK
  std::optional<std::int64_t> live_proc_id;  // ZLIVEUSAGE.ZHASPROCESS
  Json live_isodate;                         // ZLIVEUSAGE.ZTIMESTAMP, else first_isodate
  std::string provenance;                    // not in the JSON: alerts name the file
};

inline constexpr std::string_view kNetbaseManipulatedName = "MANIPULATED [process record deleted]";

// ZLIVEUSAGE ⟕ ZPROCESS, plus the processes no ZLIVEUSAGE row references. Works with and without the
// ZWIFIIN/ZWIFIOUT columns; kUnsupported when a needed table or column is missing.
Result<std::vector<NetbaseRecord>> parse_netbase(const sqlite::Database& db);

Json netbase_to_json(const NetbaseRecord& record);
std::optional<NetbaseRecord> netbase_from_json(const Json& stored);

// MVT's check_indicators for NetBase, first part: the always-on heuristics over the whole set (live usage of
// a deleted process is renamed MANIPULATED; gaps in ZPROCESS.Z_PK get a MISSING placeholder), changing
// `records` as MVT changes its results (renames, placeholders, re-sort); its alerts name their final record.
// True when it changed anything.
bool netbase_whole_set(ModuleContext& ctx, std::vector<NetbaseRecord>& records);

// Second part, per record: with indicators, the process name.
void netbase_check(ModuleContext& ctx, const NetbaseRecord& record, const Json& json);

// live_usage, first_usage and current_usage rows of one record.
void netbase_timeline(ModuleContext& ctx, const NetbaseRecord& record);

}  // namespace lumiere::modules::ios
