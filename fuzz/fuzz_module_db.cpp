// libFuzzer target: the modules' SQLite parse functions over one fuzzed database image (each finds its
// tables or reports an unsupported schema), then the same after sqlite_recover salvage, as the modules do when
// a database is damaged.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/sqlite.hpp"
#include "core/sqlite_recover.hpp"
#include "modules/ios/calendar.hpp"
#include "modules/ios/calls.hpp"
#include "modules/ios/chrome_favicon.hpp"
#include "modules/ios/chrome_history.hpp"
#include "modules/ios/contacts.hpp"
#include "modules/ios/firefox_favicon.hpp"
#include "modules/ios/firefox_history.hpp"
#include "modules/ios/netbase.hpp"
#include "modules/ios/safari_browser_state.hpp"
#include "modules/ios/safari_history.hpp"
#include "modules/ios/shortcuts.hpp"
#include "modules/ios/sms.hpp"
#include "modules/ios/tcc.hpp"
#include "modules/ios/webkit_resource_load_statistics.hpp"

namespace {

namespace ios = lumiere::modules::ios;

bool parse_all(const lumiere::sqlite::Database& db) {
  bool corrupt = false;
  auto note = [&corrupt](const auto& result) {
    if (!result && result.error().code == lumiere::ErrorCode::kCorrupt) corrupt = true;
  };
  note(ios::parse_sms(db));
  note(ios::parse_calls(db));
  note(ios::parse_contacts(db));
  note(ios::parse_calendar(db));
  note(ios::parse_safari_history(db));
  std::vector<std::string> bad_sessions;
  note(ios::parse_browser_state(db, &bad_sessions));
  note(ios::parse_chrome_history(db));
  note(ios::parse_chrome_favicons(db));
  note(ios::parse_firefox_history(db));
  note(ios::parse_firefox_favicons(db));
  note(ios::parse_netbase(db));
  note(ios::parse_shortcuts(db));
  note(ios::parse_tcc(db));
  note(ios::parse_observed_domains(db, "AppDomain-com.apple.mobilesafari", "observations.db"));
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
