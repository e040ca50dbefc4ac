// Hot paths of a large backup other than indicator matching (bench_indicators.cpp): decoding Manifest.db's
// MBFile blobs (binary plist + NSKeyedArchiver, once per file of the backup), reading SQLite rows through
// our Statement wrapper (by column name, as modules do), and writing MVT's JSON and CSV files.
#include <benchmark/benchmark.h>
#include <fmt/core.h>

#include <string>

#include "core/json.hpp"
#include "core/nskeyed.hpp"
#include "core/plist.hpp"
#include "core/sqlite.hpp"
#include "output/csv.hpp"
#include "testing/ios_backup_builder.hpp"

namespace {

namespace lt = lumiere::testing;

void BM_DecodeMbfile(benchmark::State& state) {
  const lumiere::plist::Bytes blob = lt::mbfile_blob("Library/SMS/sms.db", 4096, lt::FileMeta{});
  for (auto _ : state) {
    auto decoded = lumiere::plist::decode_mbfile(blob, "Manifest.db");
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * blob.size()));
}
BENCHMARK(BM_DecodeMbfile);

void BM_ParseBinaryPlist(benchmark::State& state) {
  const lumiere::plist::Bytes blob = lt::mbfile_blob("Library/SMS/sms.db", 4096, lt::FileMeta{});
  for (auto _ : state) {
    auto parsed = lumiere::plist::parse(blob, "Manifest.db");
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_ParseBinaryPlist);

// 10,000 SMS-shaped rows read by column name, as the sms module reads them.
void BM_SqliteRowsByName(benchmark::State& state) {
  std::string script =
      "BEGIN; CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id INTEGER, date "
      "INTEGER, service TEXT);";
  for (int i = 0; i < 10000; ++i) {
    script += fmt::format(
        "INSERT INTO message VALUES ({0}, 'GUID-{0}', 'See you at 8, the table is booked https://example.org/{0}', "
        "{1}, {2}, 'iMessage');",
        i, i % 4, 650000000000000000LL + i);
  }
  script += "COMMIT;";
  auto db = lumiere::sqlite::Database::create_memory("bench");
  if (!db || !db->exec(script)) {
    state.SkipWithError("cannot build the database");
    return;
  }
  std::size_t rows = 0;
  for (auto _ : state) {
    auto stmt = db->prepare("SELECT ROWID, guid, text, handle_id, date, service FROM message");
    if (!stmt) break;
    while (true) {
      auto row = stmt->step();
      if (!row || !*row) break;
      benchmark::DoNotOptimize(stmt->text("guid"));
      benchmark::DoNotOptimize(stmt->text("text"));
      benchmark::DoNotOptimize(stmt->integer("handle_id"));
      benchmark::DoNotOptimize(stmt->integer("date"));
      benchmark::DoNotOptimize(stmt->text("service"));
      ++rows;
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(rows));
}
BENCHMARK(BM_SqliteRowsByName)->Unit(benchmark::kMillisecond);

lumiere::Json sms_records(int count) {
  lumiere::Json records = lumiere::Json::array();
  for (int i = 0; i < count; ++i) {
    records.push_back(lumiere::Json{{"guid", fmt::format("GUID-{}", i)},
                                    {"text", "See you at 8, the table is booked https://example.org/x"},
                                    {"isodate", "2021-08-07 10:00:00.000000"},
                                    {"handle_id", i % 4},
                                    {"is_from_me", 0},
                                    {"service", "iMessage"},
                                    {"links", lumiere::Json::array({"https://example.org/x"})}});
  }
  return records;
}

void BM_DumpMvtJson(benchmark::State& state) {
  const lumiere::Json records = sms_records(1000);
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = lumiere::dump_mvt_json(records);
    bytes += text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 1000));
}
BENCHMARK(BM_DumpMvtJson)->Unit(benchmark::kMillisecond);

void BM_TimelineCsvRows(benchmark::State& state) {
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::string out;
    for (int i = 0; i < 1000; ++i) {
      lumiere::output::append_csv_row(out,
                                      {"2021-08-07 10:00:00.000000", "SMS", "sms_received",
                                       "+41791234567: See you at 8, \"the\" table is booked, https://example.org/x"});
    }
    bytes += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 1000));
}
BENCHMARK(BM_TimelineCsvRows);

}  // namespace
