// Issue 15, part 3: schema variants degrade, never refuse. Every SQLite module's hit database is rebuilt with
// one column dropped at a time (every column of every table the script creates); the module's parse step must
// still read it, unless the column is one without which the artifact has no meaning (kRequired, each with
// its reason). A missing optional column or joined table is a note, never "unsupported schema".
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/sqlite.hpp"
#include "framework/registry.hpp"
#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere {
namespace {

// "slug table.column": the columns a module cannot do without, because they join its tables or hold the
// value its indicators are matched on. Each stays an "unsupported schema" with the column named.
const std::set<std::string> kRequired{
    "chrome_favicon favicon_bitmaps.icon_id",      // joins the bitmap to its icon
    "chrome_favicon icon_mapping.icon_id",         // joins the page to its icon
    "chrome_history urls.url",                     // the URL the indicators are matched on
    "chrome_history visits.url",                   // joins the visit to its URL
    "contacts ABMultiValue.record_id",             // joins the value to its person
    "contacts ABMultiValue.value",                 // the phone number or address itself
    "datausage ZPROCESS.ZPROCNAME",                // the process name the indicators are matched on
    "safari_browser_state tabs.url",               // the URL the indicators are matched on
    "safari_history history_visits.history_item",  // joins the visit to its URL
    "sms_attachments attachment.filename",         // the file name every check of the module reads
};

struct Db {
  sqlite3* handle = nullptr;
  Db() { sqlite3_open(":memory:", &handle); }
  ~Db() { sqlite3_close(handle); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  Db(Db&&) = delete;
  Db& operator=(Db&&) = delete;
  bool exec(const std::string& sql) const { return sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, nullptr) == 0; }
  std::vector<std::string> strings(const std::string& sql) const {
    std::vector<std::string> out;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      const auto* text = sqlite3_column_text(stmt, 0);
      out.emplace_back(text == nullptr ? "" : reinterpret_cast<const char*>(text));
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::vector<std::uint8_t> image() const {
    sqlite3_int64 size = 0;
    unsigned char* bytes = sqlite3_serialize(handle, "main", &size, 0);
    std::vector<std::uint8_t> out(bytes, bytes + size);
    sqlite3_free(bytes);
    return out;
  }
};

Result<std::size_t> parse_image(const ModuleDescriptor& d, std::vector<std::uint8_t> image) {
  auto db = sqlite::Database::open_image(std::move(image), "variant.sqlite");
  if (!db) return std::move(db).error();
  return d.parse.sqlite(*db);
}

TEST(SchemaVariants, DroppingAnOptionalColumnNeverMakesTheSchemaUnsupported) {
  std::size_t variants = 0;
  std::vector<std::string> refused;
  for (const auto& entry : module_registry()) {
    const auto& d = entry.descriptor();
    if (d.parse.sqlite == nullptr) continue;
    const auto hit = test::case_with_role(std::string(d.id), "hit");
    if (!hit) continue;
    for (const auto& file : hit->spec["backup"].value("files", Json::array())) {
      if (!file.contains("sql")) continue;
      const std::string script = test::read_file(hit->directory / file["sql"].get<std::string>());
      Db original;
      ASSERT_TRUE(original.exec(script)) << d.id << " " << file.dump();
      if (!parse_image(d, original.image())) continue;  // not this module's main database
      for (const auto& table : original.strings(
               "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")) {
        for (const auto& column : original.strings("SELECT name FROM pragma_table_info('" + table + "')")) {
          Db variant;
          ASSERT_TRUE(variant.exec(script));
          // SQLite refuses to drop a key, an indexed or a referenced column: those variants do not occur.
          if (!variant.exec("ALTER TABLE \"" + table + "\" DROP COLUMN \"" + column + "\"")) continue;
          ++variants;
          const auto parsed = parse_image(d, variant.image());
          const std::string what = std::string(d.slug) + " " + table + "." + column;
          if (!parsed && kRequired.count(what) == 0) {
            refused.push_back(what + ": " + parsed.error().message);
          }
        }
      }
    }
  }
  EXPECT_GT(variants, 200U);
  std::string list;
  for (const auto& r : refused) list += "  " + r + "\n";
  EXPECT_TRUE(refused.empty()) << refused.size() << " variant(s) refused as unsupported:\n" << list;
}

}  // namespace
}  // namespace lumiere
