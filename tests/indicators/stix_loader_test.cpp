// Loading STIX2: every real public file under ../shared/iocs, counted independently of the engine, and
// malformed input that must be reported precisely without stopping anything else.
#include "indicators/stix_loader.hpp"

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>

#include "indicators/loader.hpp"
#include "indicators/stix_fixtures.hpp"
#include "support/test_support.hpp"

namespace lumiere::ioc {
namespace {

namespace fs = std::filesystem;
using test::shared_iocs_dir;

std::vector<fs::path> shared_stix_files() {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(shared_iocs_dir())) {
    if (!entry.is_regular_file()) continue;
    const auto ext = entry.path().extension();
    if (ext == ".stix2" || (ext == ".json" && entry.path().string().find("cisco-talos") != std::string::npos)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// The test's own reading of the patterns: plain string splitting of each pattern's text, no STIX parser.
struct IndependentCount {
  std::map<std::string, std::size_t> per_kind;  // engine's stix_key_name() spelling
  std::size_t compound_and = 0;
  std::size_t unsupported = 0;
};

IndependentCount count_independently(const fs::path& file) {
  static const std::map<std::string, std::string> kKinds = {{"domain-name:value", "domain-name:value"},
                                                            {"ipv4-addr:value", "ipv4-addr:value"},
                                                            {"ipv6-addr:value", "ipv6-addr:value"},
                                                            {"url:value", "url:value"},
                                                            {"process:name", "process:name"},
                                                            {"email-addr:value", "email-addr:value"},
                                                            {"file:name", "file:name"},
                                                            {"file:path", "file:path"},
                                                            {"file:hashes.md5", "file:hashes.md5"},
                                                            {"file:hashes.sha1", "file:hashes.sha1"},
                                                            {"file:hashes.sha256", "file:hashes.sha256"},
                                                            {"app:cert.md5", "app:cert"},
                                                            {"app:cert.sha1", "app:cert"},
                                                            {"app:cert.sha256", "app:cert"},
                                                            {"app:id", "app:id"},
                                                            {"configuration-profile:id", "configuration-profile:id"},
                                                            {"android-property:name", "android-property:name"}};
  IndependentCount count;
  const auto document = nlohmann::json::parse(test::read_file(file));
  for (const auto& object : document.at("objects")) {
    if (object.value("type", "") != "indicator") continue;
    if (object.contains("pattern_type") && object["pattern_type"] != "stix") {
      ++count.unsupported;
      continue;
    }
    const std::string pattern = object.at("pattern");
    if (pattern.find(" AND ") != std::string::npos) {
      ++count.compound_and;
      continue;
    }
    // "[object:property = 'value']": split at the first '=' (values may contain more of them).
    const auto equals = pattern.find('=');
    EXPECT_NE(equals, std::string::npos) << pattern;
    if (equals == std::string::npos) continue;
    EXPECT_EQ(pattern.front(), '[') << pattern;
    EXPECT_EQ(pattern.back(), ']') << pattern;
    std::string key = pattern.substr(1, equals - 1);
    key.erase(0, key.find_first_not_of(' '));
    key.erase(key.find_last_not_of(' ') + 1);
    const auto colon = key.find(':');
    EXPECT_NE(colon, std::string::npos) << pattern;
    if (colon == std::string::npos) continue;
    EXPECT_EQ(key.find(' '), std::string::npos) << pattern;
    const std::string object_type = key.substr(0, colon);
    std::string property = key.substr(colon + 1);
    if (property.starts_with("hashes.") || property.starts_with("cert.")) {
      const auto dot = property.find('.');
      std::string name;
      for (char c : property.substr(dot + 1)) {
        if (c != '\'' && c != '-') name.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
      }
      property = property.substr(0, dot + 1) + name;
    }
    const auto kind = kKinds.find(object_type + ":" + property);
    if (kind == kKinds.end()) {
      ++count.unsupported;
    } else {
      ++count.per_kind[kind->second];
    }
  }
  return count;
}

std::map<std::string, std::size_t> engine_counts(const FileReport& report) {
  std::map<std::string, std::size_t> out;
  for (const auto& [kind, n] : report.per_kind) out[stix_key_name(kind)] += n;
  return out;
}

TEST(StixLoader, EverySharedFileLoadsWithIndependentlyCountedKinds) {
  const auto files = shared_stix_files();
  ASSERT_GE(files.size(), 22U);
  for (const auto& file : files) {
    SCOPED_TRACE(file.string());
    const ParsedFile parsed = parse_stix2_file(file);
    ASSERT_FALSE(parsed.report.error.has_value()) << parsed.report.error->describe();
    const IndependentCount expected = count_independently(file);
    EXPECT_EQ(engine_counts(parsed.report), expected.per_kind);
    EXPECT_EQ(parsed.report.compound_and, expected.compound_and);
    EXPECT_EQ(parsed.report.unsupported, expected.unsupported);
    EXPECT_EQ(parsed.report.invalid_patterns, 0U);
    std::size_t collection_total = 0;
    for (const auto& collection : parsed.collections) collection_total += collection.count;
    EXPECT_EQ(collection_total, parsed.indicators.size());
  }
}

TEST(StixLoader, PegasusCountsMatchTheReadme) {
  const ParsedFile parsed =
      parse_stix2_file(shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2");
  ASSERT_FALSE(parsed.report.error.has_value());
  const auto counts = engine_counts(parsed.report);
  EXPECT_EQ(counts.at("domain-name:value"), 1438U);
  EXPECT_EQ(counts.at("process:name"), 81U);
  EXPECT_EQ(counts.at("email-addr:value"), 29U);
  EXPECT_EQ(counts.at("file:name"), 1U);
  EXPECT_EQ(parsed.indicators.size(), 1549U);
  ASSERT_EQ(parsed.collections.size(), 1U);  // one malware object; no default collection (all linked)
  EXPECT_EQ(parsed.collections[0].name, "Pegasus");
  EXPECT_EQ(parsed.collections[0].count, 1549U);
  EXPECT_EQ(parsed.collections[0].stix2_file_name, "pegasus.stix2");
}

TEST(StixLoader, OtherReadmeCounts) {
  const auto counts_of = [](const char* relative) {
    const ParsedFile parsed = parse_stix2_file(shared_iocs_dir() / relative);
    EXPECT_FALSE(parsed.report.error.has_value()) << relative;
    return engine_counts(parsed.report);
  };
  const auto novispy = counts_of("AmnestyTech-investigations/2024-12-16_serbia_novispy/novispy.stix2");
  EXPECT_EQ(novispy.at("domain-name:value"), 7U);
  EXPECT_EQ(novispy.at("app:id"), 4U);
  EXPECT_EQ(novispy.at("file:hashes.sha256"), 4U);
  EXPECT_EQ(novispy.at("app:cert"), 3U);
  const auto coruna = counts_of("mvt-indicators/2026-03-03_coruna_cryptowaters/coruna.stix2");
  EXPECT_EQ(coruna.at("file:hashes.sha256"), 20U);  // written hashes.'SHA-256'
  const auto stalkerware = counts_of("stalkerware-indicators/at-8c70e6f/generated/stalkerware.stix2");
  EXPECT_EQ(stalkerware.at("file:hashes.sha256"), 2910U);
  EXPECT_EQ(stalkerware.at("domain-name:value"), 1447U);
  EXPECT_EQ(stalkerware.at("app:id"), 590U);
  EXPECT_EQ(stalkerware.at("app:cert"), 99U);
  const auto predator = counts_of("cisco-talos-IOCs/2023/05/mercenary-intellexa-predator.json");
  EXPECT_EQ(predator.at("domain-name:value"), 300U);
  EXPECT_EQ(predator.at("url:value"), 1U);
  EXPECT_EQ(predator.at("file:hashes.sha256"), 1U);
}

TEST(StixLoader, TalosCompoundAndEscapedPatternsAreHandledOrReported) {
  const ParsedFile yoro = parse_stix2_file(shared_iocs_dir() / "cisco-talos-IOCs/2023/03/YoroTrooper.json");
  ASSERT_FALSE(yoro.report.error.has_value());
  EXPECT_EQ(yoro.report.compound_and, 19U);
  ASSERT_FALSE(yoro.report.problems.empty());
  EXPECT_NE(yoro.report.problems.front().find("compound"), std::string::npos);
  // STIX 2.0 without pattern_type, report object as the collection.
  ASSERT_FALSE(yoro.collections.empty());
  const bool has_url_with_equals = std::any_of(yoro.indicators.begin(), yoro.indicators.end(), [](const Indicator& i) {
    return i.kind == Kind::kUrl && i.value ==
                                       "https://api.telegram.org/bot5885840251:AAG8HoCjrI1QANXkA4oqnJ60lgPP7w86Clg/"
                                       "sendMessage?chat_id=5683385422";
  });
  EXPECT_TRUE(has_url_with_equals);

  const ParsedFile turla = parse_stix2_file(shared_iocs_dir() / "cisco-talos-IOCs/2024/02/tinyturla-ng.json");
  ASSERT_FALSE(turla.report.error.has_value());
  EXPECT_GE(turla.report.compound_and, 3U);
  const auto& unsupported = turla.report.unsupported_by_kind;
  EXPECT_TRUE(std::any_of(unsupported.begin(), unsupported.end(),
                          [](const auto& p) { return p.first == "windows-registry-key:key"; }));

  const ParsedFile arid =
      parse_stix2_file(shared_iocs_dir() / "cisco-talos-IOCs/2023/10/arid-viper-mobile-spyware.json");
  const bool escaped = std::any_of(arid.indicators.begin(), arid.indicators.end(), [](const Indicator& i) {
    return i.value == R"(https://orin-weimann.com/abc/Update\%20Services.apk)";
  });
  EXPECT_TRUE(escaped);
}

TEST(StixLoader, ReportsAndRelationshipsChooseTheCollection) {
  const std::string text = R"({"type":"bundle","objects":[
    {"type":"malware","id":"malware--a","name":"Alpha"},
    {"type":"malware","id":"malware--b","name":"Beta"},
    {"type":"report","id":"report--r","name":"Report R","object_refs":["indicator--2"]},
    {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value='one.com']","pattern_type":"stix"},
    {"type":"indicator","id":"indicator--2","pattern":"[domain-name:value='two.com']","pattern_type":"stix"},
    {"type":"indicator","id":"indicator--3","pattern":"[domain-name:value='three.com']"},
    {"type":"indicator","id":"indicator--4","pattern":"[domain-name:value='four.com']"},
    {"type":"relationship","source_ref":"indicator--1","target_ref":"malware--b"},
    {"type":"relationship","source_ref":"indicator--2","target_ref":"malware--a"},
    {"type":"relationship","source_ref":"malware--a","target_ref":"indicator--3"},
    {"type":"relationship","source_ref":"indicator--404","target_ref":"malware--a"}
  ]})";
  const ParsedFile parsed = parse_stix2_text(text, "/x/test.stix2");
  ASSERT_FALSE(parsed.report.error.has_value());
  std::map<std::string, std::string> collection_of;
  for (const auto& indicator : parsed.indicators) collection_of[indicator.value] = indicator.collection;
  EXPECT_EQ(collection_of["one.com"], "Beta");
  EXPECT_EQ(collection_of["two.com"], "Report R");              // a report wins over a relationship
  EXPECT_EQ(collection_of["three.com"], "Default collection");  // malware -> indicator direction ignored
  EXPECT_EQ(collection_of["four.com"], "Default collection");
  ASSERT_EQ(parsed.collections.size(), 4U);
  EXPECT_EQ(parsed.collections[0].name, "Alpha");
  EXPECT_EQ(parsed.collections[0].count, 0U);
  EXPECT_EQ(parsed.collections[3].id, "0");
  EXPECT_EQ(parsed.collections[3].description, "Collection with IOCs unrelated to malware or reports");
  EXPECT_EQ(parsed.collections[3].count, 2U);
  EXPECT_EQ(parsed.collections[3].stix2_file_name, "test.stix2");
  EXPECT_EQ(parsed.collections[3].stix2_file_path, "/x/test.stix2");
}

TEST(StixLoader, NoDefaultCollectionWithoutOrphans) {
  const ParsedFile parsed = parse_stix2_text(test::stix_bundle("M", {"[domain-name:value='a.com']"}), "f.stix2");
  ASSERT_EQ(parsed.collections.size(), 1U);
  EXPECT_EQ(parsed.collections[0].name, "M");
}

TEST(StixLoader, BareObjectListAndNormalisationAndDedup) {
  const std::string text = R"([
    {"type":"indicator","id":"indicator--1","pattern":"[domain-name:value = 'EVIL.com']"},
    {"type":"indicator","id":"indicator--2","pattern":"[domain-name:value='evil.com.']"},
    {"type":"indicator","id":"indicator--3","pattern":"[email-addr:value='Bad@Example.ORG']"},
    {"type":"indicator","id":"indicator--4","pattern":"[process:name='BackupAgent']"},
    {"type":"indicator","id":"indicator--5","pattern":"[domain-name:value='bücher.de']"},
    {"type":"indicator","id":"indicator--6","pattern":"[file:name='it\\'s']"}
  ])";
  const ParsedFile parsed = parse_stix2_text(text, "list.json");
  ASSERT_FALSE(parsed.report.error.has_value());
  std::vector<std::string> values;
  for (const auto& indicator : parsed.indicators) values.push_back(indicator.value);
  EXPECT_EQ(values,
            (std::vector<std::string>{"evil.com", "bad@example.org", "BackupAgent", "xn--bcher-kva.de", "it's"}));
  EXPECT_EQ(parsed.report.duplicates, 1U);
}

TEST(StixLoader, MalformedJsonNamesFileAndPosition) {
  const ParsedFile parsed =
      parse_stix2_text("{\n  \"type\": \"bundle\",\n  \"objects\": [ {\"type\": } ]\n}", "/d/broken.stix2");
  ASSERT_TRUE(parsed.report.error.has_value());
  EXPECT_EQ(parsed.report.error->code, ErrorCode::kParse);
  EXPECT_EQ(parsed.report.error->path, "/d/broken.stix2");
  EXPECT_NE(parsed.report.error->message.find("line 3, column 25"), std::string::npos) << parsed.report.error->message;
  EXPECT_TRUE(parsed.indicators.empty());

  const ParsedFile not_stix = parse_stix2_text(R"({"Event": {"Attribute": []}})", "misp.json");
  ASSERT_TRUE(not_stix.report.error.has_value());
  EXPECT_NE(not_stix.report.error->message.find("not a STIX2 bundle"), std::string::npos);

  const ParsedFile deep = parse_stix2_text(std::string(100000, '[') + std::string(100000, ']'), "deep.json");
  ASSERT_TRUE(deep.report.error.has_value());
  EXPECT_EQ(deep.report.error->code, ErrorCode::kLimitExceeded);

  const ParsedFile bad_utf8 = parse_stix2_text("{\"objects\": [\"\xff\"]}", "utf8.json");
  ASSERT_TRUE(bad_utf8.report.error.has_value());
}

TEST(StixLoader, BadPatternsAreSkippedAndCountedWithTheirId) {
  const std::string text = R"({"type":"bundle","objects":[
    {"type":"malware","id":"malware--m","name":"M"},
    {"type":"indicator","id":"indicator--good","pattern":"[domain-name:value='good.com']"},
    {"type":"indicator","id":"indicator--bad","pattern":"[domain-name:value='unterminated]"},
    {"type":"indicator","id":"indicator--nopattern"},
    {"type":"indicator","id":"indicator--yara","pattern":"rule x {}","pattern_type":"yara"},
    {"type":"indicator","id":"indicator--x509","pattern":"[x509-certificate:hashes.'SHA-256'='ab']"},
    {"type":"indicator","id":"indicator--ne","pattern":"[domain-name:value != 'x.com']"},
    {"type":"indicator","id":"indicator--or","pattern":"[domain-name:value='or1.com' OR process:name='orproc']"}
  ]})";
  const ParsedFile parsed = parse_stix2_text(text, "mixed.stix2");
  ASSERT_FALSE(parsed.report.error.has_value());
  EXPECT_EQ(parsed.indicators.size(), 3U);  // good.com, or1.com, orproc
  EXPECT_EQ(parsed.report.invalid_patterns, 2U);
  EXPECT_EQ(parsed.report.unsupported, 3U);
  ASSERT_GE(parsed.report.problems.size(), 2U);
  EXPECT_NE(parsed.report.problems[0].find("indicator--bad"), std::string::npos);
  EXPECT_NE(parsed.report.problems[0].find("offset"), std::string::npos);
  EXPECT_NE(parsed.report.problems[1].find("indicator--nopattern"), std::string::npos);
  const auto& kinds = parsed.report.unsupported_by_kind;
  EXPECT_TRUE(std::any_of(kinds.begin(), kinds.end(), [](const auto& p) { return p.first == "pattern_type yara"; }));
  EXPECT_TRUE(std::any_of(kinds.begin(), kinds.end(),
                          [](const auto& p) { return p.first == "x509-certificate:hashes.sha256"; }));
}

TEST(StixLoader, ABrokenFileDoesNotStopTheOthers) {
  test::TempDir dir;
  test::write_file(dir / "a_good.stix2", test::stix_bundle("Good", {"[domain-name:value='good.com']"}));
  test::write_file(dir / "b_broken.stix2", "{\"objects\": [");
  test::write_file(dir / "c_good.stix2", test::stix_bundle("Other", {"[process:name='bh']"}, "o"));
  IndicatorSources sources;
  sources.paths = {dir.path(), dir / "missing.stix2"};
  sources.use_environment = false;
  sources.use_user_data = false;
  const IndicatorSet set = load_indicators(sources);
  EXPECT_EQ(set.size(), 2U);
  ASSERT_EQ(set.file_reports().size(), 4U);
  EXPECT_FALSE(set.file_reports()[0].error.has_value());
  ASSERT_TRUE(set.file_reports()[1].error.has_value());
  EXPECT_NE(set.file_reports()[1].error->describe().find("b_broken.stix2"), std::string::npos);
  EXPECT_NE(set.file_reports()[1].error->message.find("line 1"), std::string::npos);
  ASSERT_TRUE(set.file_reports()[3].error.has_value());
  EXPECT_EQ(set.file_reports()[3].error->code, ErrorCode::kNotFound);
  EXPECT_TRUE(set.match_domain("good.com").has_value());
  EXPECT_TRUE(set.match_process("bh").has_value());
  EXPECT_EQ(set.files().size(), 2U);
}

TEST(StixLoader, WholeSharedFolderLoads) {
  IndicatorSources sources;
  sources.paths = {shared_iocs_dir()};
  sources.use_environment = false;
  sources.use_user_data = false;
  const IndicatorSet set = load_indicators(sources);
  // 17 .stix2 + 5 Talos .json; MISP/TinyCheck JSON are not STIX and are not picked up from a folder.
  EXPECT_EQ(set.file_reports().size(), 22U);
  for (const auto& report : set.file_reports()) EXPECT_FALSE(report.error.has_value()) << report.path;
  EXPECT_GT(set.size(), 10000U);
  EXPECT_TRUE(set.match_process("bh").has_value());  // Pegasus
}

}  // namespace
}  // namespace lumiere::ioc
