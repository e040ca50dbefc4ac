// Issue #4 end to end: one backup in which every artifact that can carry an indicator carries a real one (the
// reviewed "hit" fixture of each registered module, decoys included, built together), scanned through the
// `lumiere` binary. Each module must raise exactly the alerts its own reviewed fixture expects (level, message,
// indicator): once per planted record, by the right module, and none for the decoys. The same backup without
// indicators raises only the heuristics that need none; a clean backup with every file of ../shared/iocs loaded
// raises no HIGH or CRITICAL alert. The evidence and the IOC files are hashed before and after every run.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "core/json.hpp"
#include "framework/registry.hpp"
#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

// Modules whose heuristics run without indicators (spec: "always").
const std::set<std::string> kAlwaysOn{"profile_events",  "datausage",    "safari_history", "sms",
                                      "sms_attachments", "applications", "calendar",       "global_preferences"};

using AlertKey = std::tuple<std::string, std::string, std::string>;  // level, message, indicator value

AlertKey key_of(const Json& alert) {
  const Json& ioc = alert.contains("matched_indicator") ? alert["matched_indicator"] : Json();
  return {alert.value("level", ""), alert.value("message", ""), ioc.is_object() ? ioc.value("value", "") : ""};
}

// Every registered module's case of `role` in one backup, and the alerts each module's own expected.json
// lists, by slug.
Json assemble(std::string_view role, std::set<std::string>& iocs,
              std::map<std::string, std::vector<AlertKey>>& expected) {
  test::AssembledCases assembled = test::assemble_role_cases(role);
  iocs = assembled.iocs;
  for (const auto& fixture : assembled.cases) {
    const std::string slug(find_module(module_registry(), fixture.module_id)->descriptor().slug);
    const Json want = Json::parse(test::read_file(fixture.directory / "expected.json"));
    auto& keys = expected[slug];
    const Json want_alerts = want.value("alerts", Json::array());
    for (const auto& alert : want_alerts) keys.push_back(key_of(alert));
  }
  return assembled.spec;
}

// sms.db carrying both the SMS and the attachment fixtures: the attachment fixture (its joins use literal
// ids) first, then the SMS fixture's rows, whose handle ids (1 to 4) all exist in the result.
fs::path assembled_sms_script(const fs::path& scratch) {
  std::string script = test::read_file(test::case_with_role("ios.sms_attachments", "hit")->directory / "sms.sql");
  const std::string sms = test::read_file(test::case_with_role("ios.sms", "hit")->directory / "sms.sql");
  // Its rows after the schema, without its handles: its messages name handles 1 to 4, which the attachment
  // fixture's three handles and one more provide (the phone numbers differ, the messages and links do not).
  std::string rows = sms.substr(std::min(sms.find("INSERT"), sms.size()));
  const std::string handle = "INSERT INTO handle";
  for (std::size_t pos = 0; (pos = rows.find(handle, pos)) != std::string::npos;) {
    rows.erase(pos, rows.find(';', pos) + 1 - pos);
  }
  rows += "\nINSERT INTO handle (ROWID, id, country, service) VALUES (4, '+41791234567', 'ch', 'SMS');";
  script += "\n" + rows;
  const fs::path file = scratch / "sms_assembled.sql";
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
  Json spec = assemble("hit", iocs, expected);
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
  ASSERT_EQ(expected.size(), module_registry().size()) << "every registered module plants its hit case";
  const fs::path backup = build(spec, temp / "backup", temp.path());

  std::vector<fs::path> iocs;
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
    EXPECT_TRUE(kAlwaysOn.count(module)) << "module " << module << " alerted without indicators";
    modules.insert(module);
  }
  // The planted heuristics fire: Apple's threat notification, the /var/tmp attachment, the DataUsage gaps...
  for (const char* module : {"sms", "sms_attachments", "profile_events", "global_preferences", "applications"}) {
    EXPECT_TRUE(modules.count(module)) << module;
  }
}

TEST(AllModules, CleanBackupWithAllSharedIndicatorsHasNoHighOrCritical) {
  test::TempDir temp;
  std::set<std::string> ioc_names;
  std::map<std::string, std::vector<AlertKey>> expected;
  const fs::path backup = build(assemble("clean", ioc_names, expected), temp / "backup", temp.path());
  ASSERT_EQ(expected.size(), module_registry().size()) << "every registered module has a clean case";
  const Json alerts = run_scan(backup, temp / "out", {test::shared_iocs_dir()}, temp.path());
  for (const auto& alert : alerts) {
    const std::string level = alert.value("level", "");
    EXPECT_TRUE(level != "HIGH" && level != "CRITICAL") << alert.dump();
  }
  const std::string log = test::read_file(temp / "out" / "command.log");
  EXPECT_NE(log.find("Loaded a total of"), std::string::npos);
}

// Issue 15: a Manifest.db without its Files table (or whose listing query fails) is as unusable as an
// unopenable one: every artifact at a fixed domain and path is still found by its file ID and analysed, with
// its alerts; the manifest module says it could not list the files, and the run says why.
TEST(AllModules, WithoutTheFilesTableEveryFixedPlaceArtifactIsStillAnalysed) {
  test::TempDir temp;
  std::set<std::string> ioc_names;
  std::map<std::string, std::vector<AlertKey>> expected;
  const fs::path backup = build(infected_spec(temp.path(), ioc_names, expected), temp / "backup", temp.path());
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((backup / "Manifest.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "DROP TABLE Files; VACUUM;", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  std::vector<fs::path> iocs;
  for (const auto& name : ioc_names) iocs.push_back(test::shared_iocs_dir() / name);
  const Json alerts = run_scan(backup, temp / "out", iocs, temp.path());

  std::map<std::string, std::vector<AlertKey>> actual;
  for (const auto& alert : alerts) actual[alert.value("module", "")].push_back(key_of(alert));
  std::size_t fixed_modules = 0;
  for (const auto& entry : module_registry()) {
    const auto& d = entry.descriptor();
    bool fixed = !d.locations.empty();
    for (const auto& location : d.locations) {
      fixed = fixed && !location.domain.empty() && location.domain.find('*') == std::string_view::npos &&
              location.relative_path.find('*') == std::string_view::npos;
    }
    if (!fixed || d.slug == "manifest") continue;
    ++fixed_modules;
    auto want = expected[std::string(d.slug)];
    auto got = actual[std::string(d.slug)];
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, want) << "module " << d.slug << " (artifact at a fixed place) lost its alerts";
  }
  EXPECT_GE(fixed_modules, 10U);
  EXPECT_TRUE(actual["manifest"].empty());
  const std::string console = test::read_file(temp / "console.txt");
  EXPECT_NE(console.find("Manifest.db has no Files table"), std::string::npos) << console;
  const std::string log = test::read_file(temp / "out" / "command.log");
  EXPECT_NE(log.find("found by its file ID"), std::string::npos) << log;
}

}  // namespace
}  // namespace lumiere
