// MVT's output dialects: JSON (indent 4, ASCII, bytes as \xNN), CSV (QUOTE_ALL, CRLF, backslash escaping),
// Python repr for alerts_timeline.csv.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "output/csv.hpp"
#include "output/mvt_files.hpp"

namespace lumiere {
namespace {

TEST(Json, InvalidUtf8BecomesBackslashEscapes) {
  const std::string bytes = std::string("caf\xc3\xa9 ") + "\xff\xfe" + " end\xe2\x82";
  EXPECT_EQ(utf8_backslashreplace(bytes), "caf\xc3\xa9 \\xff\\xfe end\\xe2\\x82");
  const Json j = {{"text", json_text(bytes)}};
  const std::string dumped = dump_mvt_json(j);
  EXPECT_EQ(dumped, "{\n    \"text\": \"caf\\u00e9 \\\\xff\\\\xfe end\\\\xe2\\\\x82\"\n}");
  EXPECT_TRUE(Json::accept(dumped));
}

TEST(Json, MvtIndentationAndEmptyContainers) {
  Json j = Json::object();
  j["b"] = Json::array();
  j["a"] = Json::array({1, "x"});
  j["n"] = nullptr;
  EXPECT_EQ(dump_mvt_json(j), "{\n    \"b\": [],\n    \"a\": [\n        1,\n        \"x\"\n    ],\n    \"n\": null\n}");
}

TEST(Json, PythonRepr) {
  Json event = Json::object();
  event["text"] = "it's \"quoted\"\nnew line \\ back";
  event["n"] = 5;
  event["f"] = 1.5;
  event["ok"] = true;
  event["none"] = nullptr;
  event["list"] = Json::array({"a", false});
  event["uni"] = "caf\xc3\xa9\x01";
  EXPECT_EQ(python_repr(event),
            "{'text': 'it\\'s \"quoted\"\\nnew line \\\\ back', 'n': 5, 'f': 1.5, 'ok': True, 'none': None, "
            "'list': ['a', False], 'uni': 'caf\xc3\xa9\\x01'}");
  EXPECT_EQ(python_repr(Json("it's")), "\"it's\"");
}

TEST(Csv, QuoteAllCrlfAndBackslash) {
  std::string out;
  output::append_csv_row(out, {"2021-07-18 10:00:00.000000", "SMS", "sms_received", "say \"hi\"\nC:\\path"});
  EXPECT_EQ(out, "\"2021-07-18 10:00:00.000000\",\"SMS\",\"sms_received\",\"say \"\"hi\"\"\nC:\\\\path\"\r\n");
}

TEST(Timeline, SortedByTimeThenOtherColumns) {
  std::vector<ModuleRun> runs(2);
  runs[0].output.timeline = {{"2021-07-18 10:00:00.000000", "Manifest", "M---", "b", std::nullopt},
                             {"", "Manifest", "M---", "no time", std::nullopt}};
  runs[1].output.timeline = {{"2021-07-18 10:00:00.000000", "Manifest", "M---", "a", std::nullopt},
                             {"2020-01-01 00:00:00.000000", "BackupInfo", "x", "y", std::nullopt}};
  const std::string csv = output::timeline_csv(runs, false);
  EXPECT_EQ(csv,
            "\"UTC Timestamp\",\"Plugin\",\"Event\",\"Description\"\r\n"
            "\"\",\"Manifest\",\"M---\",\"no time\"\r\n"
            "\"2020-01-01 00:00:00.000000\",\"BackupInfo\",\"x\",\"y\"\r\n"
            "\"2021-07-18 10:00:00.000000\",\"Manifest\",\"M---\",\"a\"\r\n"
            "\"2021-07-18 10:00:00.000000\",\"Manifest\",\"M---\",\"b\"\r\n");
  EXPECT_EQ(output::timeline_csv(runs, true).substr(0, 26), "\"Device Local Timestamp\",\"");
}

TEST(AlertsTimeline, OnlyTimedAlertsWithReprEvent) {
  Alert timed;
  timed.level = AlertLevel::kLow;
  timed.module = "profile_events";
  timed.message = "On 2021 process \"x\"";
  timed.event_time = "2021-07-18 10:00:00.000000";
  timed.event = Json{{"process", "x"}};
  Alert untimed = timed;
  untimed.event_time.clear();
  const std::string csv = output::alerts_timeline_csv({&untimed, &timed});
  EXPECT_EQ(csv,
            "\"Event Time\",\"Module\",\"Message\",\"Event\"\r\n"
            "\"2021-07-18 10:00:00.000000\",\"profile_events\",\"On 2021 process \"\"x\"\"\",\"{'process': 'x'}\"\r\n");
  EXPECT_EQ(output::alerts_timeline_csv({}), "\"Event Time\",\"Module\",\"Message\",\"Event\"\r\n");
}

TEST(Alerts, JsonShape) {
  Alert alert;
  alert.level = AlertLevel::kCritical;
  alert.module = "sms";
  alert.message = "Found a known suspicious domain";
  alert.event = Json{{"text", "hi"}};
  alert.matched_indicator = MatchedIndicator{"evil.com", "domains", "Pegasus", "pegasus.stix2"};
  EXPECT_EQ(output::alert_to_json(alert).dump(),
            R"({"level":"CRITICAL","module":"sms","message":"Found a known suspicious domain","event_time":"",)"
            R"("event":{"text":"hi"},"matched_indicator":{"value":"evil.com","type":"domains","name":"Pegasus",)"
            R"("stix2_file_name":"pegasus.stix2"}})");
  alert.matched_indicator.reset();
  EXPECT_TRUE(output::alert_to_json(alert)["matched_indicator"].is_null());
}

}  // namespace
}  // namespace lumiere
