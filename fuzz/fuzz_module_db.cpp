// libFuzzer target: every registered module's SQLite parse entry (ModuleDescriptor::parse.sqlite) over one
// fuzzed database image (each finds its tables or reports an unsupported schema), then the same after
// sqlite_recover salvage, as the modules do when a database is damaged. A new module is fuzzed by being in the
// registry.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/sqlite.hpp"
#include "core/sqlite_recover.hpp"
#include "framework/registry.hpp"

namespace {

bool parse_all(const lumiere::sqlite::Database& db) {
  bool corrupt = false;
  for (const auto& entry : lumiere::module_registry()) {
    const auto parse = entry.descriptor().parse.sqlite;
    if (parse == nullptr) continue;
    const auto result = parse(db);
    if (!result && result.error().code == lumiere::ErrorCode::kCorrupt) corrupt = true;
  }
  (void)db.take_notes();
  return corrupt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto db = lumiere::sqlite::Database::open_image(std::vector<std::uint8_t>(data, data + size), "fuzz.sqlite");
  if (!db) return 0;
  if (!parse_all(*db)) return 0;
  auto recovered = lumiere::sqlite::recover_readable(*db);
  if (recovered) parse_all(recovered->database);
  return 0;
}
