// Issue #4 end to end: one backup in which every artifact that can carry an indicator carries a real one (the
// reviewed "hit" fixture of each of the 28 modules, decoys included, built together), scanned through the
// `lumiere` binary. Each module must raise exactly the alerts its own reviewed fixture expects (level, message,
// indicator): once per planted record, by the right module, and none for the decoys. The same backup without
// indicators raises only the heuristics that need none; a clean backup with every file of ../shared/iocs loaded
// raises no HIGH or CRITICAL alert. The evidence and the IOC files are hashed before and after every run.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/json.hpp"
#include "e2e/e2e_shared.hpp"
#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere {

namespace e2e {

// sms.db is assembled below from both SMS fixtures.
const std::vector<std::pair<std::string, std::string>>& infected_cases() {
  static const std::vector<std::pair<std::string, std::string>> kCases{
      {"backup_info", "typical_ios15"},
      {"profile_events", "pegasus_process_hit"},
      {"configuration_profiles", "cytrox_profile_hit"},
      {"manifest", "pegasus_hit"},
      {"calls", "typical_ios14"},
      {"chrome_favicon", "pegasus_hit"},
      {"chrome_history", "pegasus_hit"},
      {"contacts", "typical"},
      {"firefox_favicon", "pegasus_hit"},
      {"firefox_history", "pegasus_hit"},
      {"id_status_cache", "pegasus_email_hit"},
      {"locationd_clients", "predator_pegasus_hit"},
      {"os_analytics_ad_daily", "pegasus_process_hit"},
      {"datausage", "pegasus_hit"},
      {"safari_browser_state", "pegasus_hit"},
      {"safari_history", "pegasus_hit"},
      {"tcc", "pegasus_hit_v3"},
      {"sms", "pegasus_hit"},
      {"sms_attachments", "indicator_hit"},
      {"webkit_resource_load_statistics", "pegasus_hit"},
      {"webkit_session_resource_log", "pegasus_hit"},
      {"whatsapp", "pegasus_hit"},
      {"whatsapp_contacts", "typical_ios17"},
      {"interaction_c", "whatsapp_resolved_ios16"},
      {"shortcuts", "pegasus_hit"},
      {"applications", "rcs_lab_app_hit"},
      {"calendar", "pegasus_email_hit"},
      {"global_preferences", "lockdown_enabled"},
  };
  return kCases;
}

}  // namespace e2e

namespace {

namespace fs = std::filesystem;

using e2e::infected_cases;

// Modules whose heuristics run without indicators (spec: "always").
const std::set<std::string>& always_on_modules() {
  static const std::set<std::string> kModules{
      "profile_events",  "datausage",    "safari_history", "sms",
      "sms_attachments", "applications", "calendar",       "global_preferences"};
  return kModules;
}

using AlertKey = std::tuple<std::string, std::string, std::string>;  // level, message, indicator value

AlertKey key_of(const Json& alert) {
  const Json& ioc = alert.contains("matched_indicator") ? alert["matched_indicator"] : Json();
  return {alert.value("level", ""), alert.value("message", ""), ioc.is_object() ? ioc.value("value", "") : ""};
}

fs::path fixture_dir(const std::string& slug, const std::string& name) {
  return test::tests_dir() / "fixtures" / ("ios." + slug) / name;
}

// One backup spec from several fixture cases: files with absolute script paths, Info.plist keys merged.
Json assemble(const std::vector<std::pair<std::string, std::string>>& cases, const fs::path& scratch,
              std::set<std::string>& iocs, std::map<std::string, std::vector<AlertKey>>& expected) {
  Json files = Json::array();
  Json info = Json::object();
  std::set<std::pair<std::string, std::string>> taken;
  for (const auto& [slug, name] : cases) {
    const fs::path dir = fixture_dir(slug, name);
    const Json spec = Json::parse(test::read_file(dir / "case.json"));
    const Json case_iocs = spec.value("iocs", Json::array());
    for (const auto& file : case_iocs) iocs.insert(file.get<std::string>());
    const Json backup = spec.value("backup", Json::object());
    const Json case_info = backup.value("info", Json::object());
    for (const auto& [key, value] : case_info.items()) info[key] = value;
    const Json case_files = backup.value("files", Json::array());
    for (Json file : case_files) {
      if (!taken.insert({file["domain"].get<std::string>(), file["path"].get<std::string>()}).second) continue;
      if (file.contains("sql")) file["sql"] = (dir / file["sql"].get<std::string>()).string();
      files.push_back(std::move(file));
    }
    const Json want = Json::parse(test::read_file(dir / "expected.json"));
    auto& keys = expected[slug];
    const Json want_alerts = want.value("alerts", Json::array());
    for (const auto& alert : want_alerts) keys.push_back(key_of(alert));
  }
  (void)scratch;
  return Json{{"description", "assembled"}, {"backup", {{"info", info}, {"files", files}}}};
}

// sms.db carrying both the SMS and the attachment fixtures: the attachment fixture (its joins use literal
// ids) first, then the SMS fixture's rows, whose handle ids (1 to 4) all exist in the result.
fs::path assembled_sms_script(const fs::path& scratch) {
  std::string script = test::read_file(fixture_dir("sms_attachments", "indicator_hit") / "sms.sql");
  const std::string sms = test::read_file(fixture_dir("sms", "pegasus_hit") / "sms.sql");
  // Its rows after the schema, without its handles: its messages name handles 1 to 4, which the attachment
  // fixture's three handles and one more provide (the phone numbers differ, the messages and links do not).
  std::string rows = sms.substr(std::min(sms.find("INSERT"), sms.size()));
  const std::string handle = "INSERT INTO handle";
  for (std::size_t pos = 0; (pos = rows.find(handle, pos)) != std::string::npos;) {
    rows.erase(pos, rows.find(';', pos) + 1 - pos);
  }
  rows += "\nINSERT INTO handle (ROWID, id, country, service) VALUES (4, '+41791234567', 'ch', 'SMS');";
  script += "\n" + rows;
  fs::path file = scratch / "sms_assembled.sql";
  test::write_file(file, script + "\n");
  return file;
}

Json run_scan(const fs::path& backup, const fs::path& out, const std::vector<fs::path>& iocs, const fs::path& temp) {
  std::vector<fs::path> inputs{backup};
  inputs.insert(inputs.end(), iocs.begin(), iocs.end());
  const test::EvidenceGuard guard(inputs);
  std::string command = "env XDG_DATA_HOME='" + (temp / "xdg").string() +
                        "' LUMIERE_IOCS= " + test::lumiere_binary().string() + " ios check-backup";
  for (const auto& file : iocs) command += " -i '" + file.string() + "'";
  command += " -o '" + out.string() + "' '" + backup.string() + "' > '" + (temp / "console.txt").string() + "' 2>&1";
  const int rc = test::run_command(command);
  EXPECT_TRUE(rc == 0 || rc == 1) << "exit code " << rc << "\n" << test::read_file(temp / "console.txt");
  if (!fs::exists(out / "alerts.json")) return Json::array();
  return Json::parse(test::read_file(out / "alerts.json"));
}

fs::path build(const Json& spec, const fs::path& root, const fs::path& case_dir) {
  test::FixtureCase fixture{"e2e", "assembled", case_dir, spec};
  test::build_backup_from_spec(fixture, root);
  return root;
}

Json infected_spec(const fs::path& scratch, std::set<std::string>& iocs,
                   std::map<std::string, std::vector<AlertKey>>& expected) {
  Json spec = assemble(infected_cases(), scratch, iocs, expected);
  const std::string sms_script = assembled_sms_script(scratch).string();
  for (auto& file : spec["backup"]["files"]) {
    if (file["domain"] == "HomeDomain" && file["path"] == "Library/SMS/sms.db") file["sql"] = sms_script;
  }
  return spec;
}

TEST(AllModules, EveryPlantedIndicatorIsReportedOnceByItsModule) {
  test::TempDir temp;
  std::set<std::string> ioc_names;
  std::map<std::string, std::vector<AlertKey>> expected;
  const Json spec = infected_spec(temp.path(), ioc_names, expected);
  ASSERT_EQ(expected.size(), 28U);
  const fs::path backup = build(spec, temp / "backup", temp.path());

  std::vector<fs::path> iocs;
  iocs.reserve(ioc_names.size());
  for (const auto& name : ioc_names) iocs.push_back(test::shared_iocs_dir() / name);
  EXPECT_NE(ioc_names.count("AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2"), 0U);
  const Json alerts = run_scan(backup, temp / "out", iocs, temp.path());

  std::map<std::string, std::vector<AlertKey>> actual;
  for (const auto& alert : alerts) actual[alert.value("module", "")].push_back(key_of(alert));
  std::size_t planted = 0;
  for (auto& [slug, keys] : expected) {
    auto got = actual[slug];
    std::sort(keys.begin(), keys.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, keys) << "module " << slug << " did not raise exactly its fixture's alerts";
    planted += static_cast<std::size_t>(std::count_if(keys.begin(), keys.end(), [](const AlertKey& k) {
      return !std::get<2>(k).empty() && (std::get<0>(k) == "CRITICAL" || std::get<0>(k) == "HIGH");
    }));
  }
  for (const auto& [slug, keys] : actual) EXPECT_TRUE(expected.count(slug)) << "alerts from unknown module " << slug;
  // Every module that can carry an indicator carries one here.
  EXPECT_GE(planted, 20U);
}

TEST(AllModules, WithoutIndicatorsOnlyAlwaysOnHeuristicsAlert) {
  test::TempDir temp;
  std::set<std::string> ioc_names;
  std::map<std::string, std::vector<AlertKey>> expected;
  const fs::path backup = build(infected_spec(temp.path(), ioc_names, expected), temp / "backup", temp.path());
  const Json alerts = run_scan(backup, temp / "out", {}, temp.path());
  ASSERT_FALSE(alerts.empty());
  std::set<std::string> modules;
  for (const auto& alert : alerts) {
    EXPECT_TRUE(alert["matched_indicator"].is_null()) << alert.dump();
    const std::string module = alert.value("module", "");
    EXPECT_TRUE(always_on_modules().count(module)) << "module " << module << " alerted without indicators";
    modules.insert(module);
  }
  // The planted heuristics fire: Apple's threat notification, the /var/tmp attachment, the DataUsage gaps...
  for (const char* module : {"sms", "sms_attachments", "profile_events", "global_preferences", "applications"}) {
    EXPECT_TRUE(modules.count(module)) << module;
  }
}

TEST(AllModules, CleanBackupWithAllSharedIndicatorsHasNoHighOrCritical) {
  test::TempDir temp;
  std::vector<std::pair<std::string, std::string>> clean;
  for (const auto& [slug, name] : infected_cases()) {
    for (const auto& candidate : {"clean", "clean_ios17", "clean_without_lid_db", "empty_address_book"}) {
      if (fs::exists(fixture_dir(slug, candidate) / "case.json")) {
        clean.emplace_back(slug, candidate);
        break;
      }
    }
  }
  ASSERT_GE(clean.size(), 20U);
  std::set<std::string> ioc_names;
  std::map<std::string, std::vector<AlertKey>> expected;
  const fs::path backup = build(assemble(clean, temp.path(), ioc_names, expected), temp / "backup", temp.path());
  const Json alerts = run_scan(backup, temp / "out", {test::shared_iocs_dir()}, temp.path());
  for (const auto& alert : alerts) {
    const std::string level = alert.value("level", "");
    EXPECT_TRUE(level != "HIGH" && level != "CRITICAL") << alert.dump();
  }
  const std::string log = test::read_file(temp / "out" / "command.log");
  EXPECT_NE(log.find("Loaded a total of"), std::string::npos);
}

}  // namespace
}  // namespace lumiere
