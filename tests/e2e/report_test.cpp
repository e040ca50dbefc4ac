// The reader-facing reports of `lumiere ios check-backup -o OUT`: report.html rendered by a real browser
// (headless Chromium, installed by the test command) shows the verdict and one row per alert, renders planted
// markup as text, and may load nothing; timeline.jsonl holds Timesketch's required fields on every line.
#include <gtest/gtest.h>

#include <regex>

#include "core/json.hpp"
#include "core/time.hpp"
#include "e2e/e2e_shared.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

using e2e::kPegasus;
const char* const kPayload = R"(<img src=x onerror="document.title='pwned'">)";

// An SMS whose body is markup an attacker sent, next to one carrying a Pegasus link.
std::string sms_script() {
  std::string body = kPayload;  // as an SQL string literal: quotes doubled
  for (std::size_t pos = 0; (pos = body.find('\'', pos)) != std::string::npos; pos += 2) body.insert(pos, 1, '\'');
  return std::string(R"sql(
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL, country TEXT,
  service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT, UNIQUE (id, service));
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL, text TEXT,
  handle_id INTEGER DEFAULT 0, subject TEXT, attributedBody BLOB, service TEXT, account TEXT, date INTEGER,
  date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
  is_read INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0, payload_data BLOB, message_summary_info BLOB);
INSERT INTO handle (id, country, service) VALUES ('+41791234567', 'ch', 'iMessage');
INSERT INTO message (guid, text, handle_id, service, account, date, date_read, is_from_me, is_read) VALUES
  ('A1', ')sql") +
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

std::string run_check(const fs::path& backup, const fs::path& out) {
  const test::EvidenceGuard guard({backup, test::shared_iocs_dir() / kPegasus});
  const std::string command = test::lumiere_binary().string() + " ios check-backup -i " +
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

TEST(Report, TimelineJsonlHasTimesketchFieldsOnEveryLine) {
  test::TempDir temp;
  const fs::path backup = build_backup(temp / "backup");
  const fs::path out = temp / "out";
  run_check(backup, out);
  const std::string jsonl = test::read_file(out / "timeline.jsonl");
  ASSERT_FALSE(jsonl.empty());
  const std::regex iso8601(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?(Z|[+-]\d\d:\d\d))");
  std::size_t lines = 0;
  std::size_t alert_lines = 0;
  std::size_t start = 0;
  while (start < jsonl.size()) {
    const std::size_t end = jsonl.find('\n', start);
    ASSERT_NE(end, std::string::npos) << "every line ends with a newline";
    const Json line = Json::parse(jsonl.substr(start, end - start), nullptr, false);
    start = end + 1;
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
  // Four files with one time each (four Manifest rows) and two SMS received rows; the three traces are marked.
  EXPECT_EQ(lines, 6U);
  EXPECT_EQ(alert_lines, 3U);
}

}  // namespace
}  // namespace lumiere
