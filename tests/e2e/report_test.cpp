// The reader-facing reports of `lumiere ios check-backup -o OUT`: report.html rendered by a real browser
// (headless Chromium, installed by the test command) shows the verdict and one row per alert, renders planted
// markup as text, and may load nothing; timeline.jsonl holds Timesketch's required fields on every line, and
// every row is linked to its record and that record's alert, whichever module wrote it.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>

#include "core/json.hpp"
#include "core/time.hpp"
#include "e2e/e2e_shared.hpp"
#include "support/fixture_case.hpp"
#include "support/test_support.hpp"
#include "testing/demo_backup.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

// The lines of a JSONL file, each parsed (a line that is not JSON is a discarded value); `complete` is false
// when the last line does not end with a newline.
std::vector<Json> jsonl_lines(const std::string& jsonl, bool& complete) {
  std::vector<Json> lines;
  complete = true;
  for (std::size_t start = 0; start < jsonl.size();) {
    const std::size_t end = jsonl.find('\n', start);
    if (end == std::string::npos) {
      complete = false;
      break;
    }
    lines.push_back(Json::parse(jsonl.substr(start, end - start), nullptr, false));
    start = end + 1;
  }
  return lines;
}

using e2e::kPegasus;
const char* const kPayload = R"(<img src=x onerror="document.title='pwned'">)";

// An SMS whose body is markup an attacker sent, next to one carrying a Pegasus link.
std::string sms_script() {
  std::string body = kPayload;  // as an SQL string literal: quotes doubled
  for (std::size_t pos = 0; (pos = body.find('\'', pos)) != std::string::npos; pos += 2) body.insert(pos, 1, '\'');
  return std::string(testing::ios15_sms_schema()) + R"sql(
INSERT INTO handle (id, country, service) VALUES ('+41791234567', 'ch', 'iMessage');
INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_from_me, is_read) VALUES
  ('A1', ')sql" +
         body + R"sql(', 1, 'iMessage', 'E:me@icloud.com', 647700000000000000, 0, 0, 0),
  ('A2', 'Track your parcel: https://weather4free.com/t/1', 1, 'iMessage', 'E:me@icloud.com', 647700100000000000, 0, 0, 0);
)sql";
}

// An infected phone's backup (two Pegasus traces) whose evidence also carries markup an attacker planted.
fs::path build_backup(const fs::path& root) {
  testing::FileMeta meta;
  meta.birth = meta.last_modified = meta.last_status_change = 1626100000;
  testing::IosBackupBuilder builder(root);
  builder.add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", "x", meta)
      .add_file("AppDomain-com.apple.mobilesafari",
                "Library/WebKit/WebsiteData/LocalStorage/https_weather4free.com_0.localstorage", "", meta)
      .add_file("HomeDomain", std::string("Library/Notes/") + kPayload, "x", meta)
      .add_sqlite("HomeDomain", "Library/SMS/sms.db", sms_script(), meta);
  EXPECT_TRUE(builder.write());
  return root;
}

std::string run_check(const fs::path& backup, const fs::path& out, const std::string& options = "") {
  const test::EvidenceGuard guard({backup, test::shared_iocs_dir() / kPegasus});
  const std::string command = test::lumiere_binary().string() + " ios check-backup " + options + " -i " +
                              (test::shared_iocs_dir() / kPegasus).string() + " -o " + out.string() + " " +
                              backup.string() + " 2>&1";
  std::string output;
  test::run_command(command, &output);
  return output;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t pos = 0; (pos = text.find(needle, pos)) != std::string::npos; pos += needle.size()) ++n;
  return n;
}

TEST(Report, HtmlRendersVerdictAlertsAndEscapesEvidence) {
  test::TempDir temp;
  const fs::path backup = build_backup(temp / "backup");
  const fs::path out = temp / "out";
  run_check(backup, out);
  const fs::path report = out / "report.html";
  ASSERT_TRUE(fs::exists(report));
  const std::string html = test::read_file(report);

  // No network: the policy forbids every fetch, and nothing external is referenced.
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_NE(html.find("connect-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_EQ(html.find(kPayload), std::string::npos) << "evidence markup must be escaped";

  std::string dom;
  const std::string command =
      "chromium --headless --no-sandbox --disable-gpu --dump-dom 'file://" + report.string() + "' 2>/dev/null";
  ASSERT_EQ(test::run_command(command, &dom), 0) << "headless Chromium is needed (scripts/install-deps.sh)";
  ASSERT_FALSE(dom.empty());
  std::smatch title;
  ASSERT_TRUE(std::regex_search(dom, title, std::regex("<title>([^<]*)</title>")));
  EXPECT_EQ(title[1].str(), "lumiere report: backup");
  std::smatch verdict;
  ASSERT_TRUE(std::regex_search(dom, verdict, std::regex(R"(<h1 id="verdict-text">([^<]*)</h1>)")));
  EXPECT_EQ(verdict[1].str(), "SIGNS OF KNOWN SPYWARE FOUND: 3 HIGH or CRITICAL alert(s).");
  EXPECT_EQ(count(dom, "<article class=\"alert "), 3U);
  // The planted markup is shown as text in the timeline, not turned into an element.
  EXPECT_NE(dom.find("Library/Notes/&lt;img src=x onerror="), std::string::npos);
  EXPECT_NE(dom.find("\"&lt;img src=x onerror=\"document.title='pwned'\"&gt;\" from +41791234567"), std::string::npos)
      << "the SMS body is shown as text in the timeline";
  EXPECT_EQ(dom.find("<img"), std::string::npos);
}

// timeline.jsonl costs as much as the rest of the output together on a large backup: only on request.
TEST(Timesketch, TimelineJsonlOnlyWithTheOption) {
  test::TempDir temp;
  const fs::path backup = build_backup(temp / "backup");
  run_check(backup, temp / "out");
  EXPECT_TRUE(fs::exists(temp / "out" / "timeline.csv"));
  EXPECT_FALSE(fs::exists(temp / "out" / "timeline.jsonl"));
  run_check(backup, temp / "out2", "--timesketch");
  EXPECT_TRUE(fs::exists(temp / "out2" / "timeline.jsonl"));
}

// Timesketch's required fields on every line, one line per timeline row (every row here has a date), in the
// timeline's order, each naming its module and event as timeline.csv does.
TEST(Timesketch, OneLineWithTheRequiredFieldsPerTimelineRow) {
  test::TempDir temp;
  const fs::path backup = build_backup(temp / "backup");
  const fs::path out = temp / "out";
  run_check(backup, out, "--timesketch");
  const std::string jsonl = test::read_file(out / "timeline.jsonl");
  const std::string csv = test::read_file(out / "timeline.csv");
  std::vector<std::string> csv_rows;  // "module|event" of each data row
  for (std::size_t pos = csv.find("\r\n") + 2; pos < csv.size();) {
    const std::size_t end = csv.find("\r\n", pos);
    ASSERT_NE(end, std::string::npos);
    const std::string row = csv.substr(pos, end - pos);
    pos = end + 2;
    // "timestamp","module","event","data": the rows here have no quote in their first three fields
    std::vector<std::string> cells;
    for (std::size_t p = 0; cells.size() < 3;) {
      const std::size_t close = row.find('"', p + 1);
      cells.push_back(row.substr(p + 1, close - p - 1));
      p = close + 2;
    }
    csv_rows.push_back(cells[1] + "|" + cells[2]);
  }
  std::vector<std::string> jsonl_rows;
  bool complete = false;
  for (const Json& line : jsonl_lines(jsonl, complete)) {
    ASSERT_TRUE(line.is_object()) << "a line that is not a JSON object";
    for (const char* field : {"message", "datetime", "timestamp_desc"}) {
      ASSERT_TRUE(line.contains(field) && line[field].is_string()) << field << " in " << line.dump();
    }
    ASSERT_TRUE(line.contains("timestamp") && line["timestamp"].is_number_integer()) << line.dump();
    jsonl_rows.push_back(line.value("module", "") + "|" + line.value("timestamp_desc", ""));
  }
  EXPECT_TRUE(complete) << "every line ends with a newline";
  EXPECT_EQ(jsonl_rows.size(), 6U);
  EXPECT_EQ(jsonl_rows, csv_rows);
}

TEST(Report, TimelineJsonlHasTimesketchFieldsOnEveryLine) {
  test::TempDir temp;
  const fs::path backup = build_backup(temp / "backup");
  const fs::path out = temp / "out";
  run_check(backup, out, "--timesketch");
  const std::string jsonl = test::read_file(out / "timeline.jsonl");
  ASSERT_FALSE(jsonl.empty());
  const std::regex iso8601(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d))");
  std::size_t lines = 0;
  std::size_t alert_lines = 0;
  bool complete = false;
  for (const Json& line : jsonl_lines(jsonl, complete)) {
    ++lines;
    ASSERT_TRUE(line.is_object()) << "line " << lines << " is not a JSON object";
    for (const char* field : {"message", "datetime", "timestamp_desc"}) {
      ASSERT_TRUE(line.contains(field) && line[field].is_string()) << "line " << lines << " lacks " << field;
      EXPECT_FALSE(line[field].get<std::string>().empty());
    }
    EXPECT_TRUE(std::regex_match(line["datetime"].get<std::string>(), iso8601)) << line["datetime"];
    EXPECT_TRUE(timeconv::parse_iso(line["datetime"].get<std::string>()));
    if (line.contains("alert_level")) ++alert_lines;
  }
  EXPECT_TRUE(complete) << "every line ends with a newline";
  // Four files with one time each (four Manifest rows) and two SMS received rows; the three traces are marked.
  EXPECT_EQ(lines, 6U);
  EXPECT_EQ(alert_lines, 3U);
}

// DataUsage and SafariHistory judge their records as a set (gaps in process ids, a redirect and its
// destination) and used to bypass the record path: their timeline rows came without alert level or record
// fields. Their hit cases, scanned together: the rows of an alerted record carry its most severe level and the
// record's fields, like SMS rows do.
TEST(Report, TimelineRowsOfWholeSetModulesCarryTheirAlertAndRecord) {
  test::TempDir temp;
  Json files = Json::array();
  for (const char* id : {"ios.datausage", "ios.safari_history"}) {
    const auto hit = test::case_with_role(id, "hit");
    ASSERT_TRUE(hit) << id;
    const Json backup = hit->spec.at("backup");
    for (Json file : backup.at("files")) {
      if (file.contains("sql")) file["sql"] = (hit->directory / file["sql"].get<std::string>()).string();
      files.push_back(std::move(file));
    }
  }
  const test::FixtureCase both{"e2e", "whole_set", temp.path(), Json{{"backup", {{"files", files}}}}};
  test::build_backup_from_spec(both, temp / "backup");
  const fs::path out = temp / "out";
  run_check(temp / "backup", out, "--timesketch");
  const std::string jsonl = test::read_file(out / "timeline.jsonl");
  std::map<std::string, std::map<std::string, std::size_t>> levels;  // module -> alert_level -> rows
  std::size_t start = 0;
  while (start < jsonl.size()) {
    const std::size_t end = jsonl.find('\n', start);
    ASSERT_NE(end, std::string::npos);
    const Json line = Json::parse(jsonl.substr(start, end - start));
    start = end + 1;
    const std::string module = line.value("module", "");
    ++levels[module][line.value("alert_level", "none")];
    if (module == "Datausage") {
      EXPECT_TRUE(line.contains("proc_name") && line.contains("live_isodate")) << line.dump();
      if (line.value("proc_name", Json()) == "bh") {
        EXPECT_EQ(line.value("alert_level", ""), "CRITICAL") << line.dump();
      }
    }
    if (module == "SafariHistory") {
      EXPECT_TRUE(line.contains("url") && line.contains("visit_id")) << line.dump();
      if (line.value("url", "").find("free247downloads.com") != std::string::npos) {
        EXPECT_EQ(line.value("alert_level", ""), "CRITICAL") << line.dump();
      }
    }
  }
  EXPECT_GT(levels["Datausage"]["CRITICAL"], 0U) << jsonl;
  EXPECT_GT(levels["SafariHistory"]["CRITICAL"], 0U) << jsonl;
  EXPECT_GT(levels["SafariHistory"]["MEDIUM"], 0U) << "the redirect's origin carries the whole-set alert\n" << jsonl;
}

}  // namespace
}  // namespace lumiere
