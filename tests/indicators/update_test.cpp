// `iocs update` end to end against a local HTTP server, the index format, file naming, atomic writes,
// the indicator sources (-i, LUMIERE_IOCS, user data folder) and the `iocs` CLI commands.
#include "indicators/update.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>

#include "cli/app.hpp"
#include "indicators/http_test_server.hpp"
#include "indicators/loader.hpp"
#include "indicators/stix_fixtures.hpp"
#include "support/test_support.hpp"

namespace lumiere::ioc {
namespace {

namespace fs = std::filesystem;

// Sets an environment variable for the scope of a test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    ::setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      ::setenv(name_, old_->c_str(), 1);
    } else {
      ::unsetenv(name_);
    }
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;
  ScopedEnv(ScopedEnv&&) = delete;
  ScopedEnv& operator=(ScopedEnv&&) = delete;

 private:
  const char* name_;
  std::optional<std::string> old_;
};

TEST(UpdateIndex, ParsesGithubAndDownloadUrlEntries) {
  const auto parsed = parse_index(R"(indicators:
  - type: github
    name: Pegasus
    github: {owner: AmnestyTech, repo: investigations, branch: master, path: 2021-07-18_nso/pegasus.stix2}
  - type: github
    name: Default branch
    github: {owner: mvt-project, repo: mvt-indicators, path: candiru/candiru.stix2}
  - type: other
    name: Direct
    download_url: https://example.org/x.stix2
  - type: github
    name: Broken
  - type: other
    name: No URL
)");
  ASSERT_TRUE(parsed.has_value()) << parsed.error().message;
  ASSERT_EQ(parsed->entries.size(), 3U);
  EXPECT_EQ(parsed->entries[0].url,
            "https://raw.githubusercontent.com/AmnestyTech/investigations/master/2021-07-18_nso/pegasus.stix2");
  EXPECT_EQ(parsed->entries[1].url,
            "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/candiru/candiru.stix2");
  EXPECT_EQ(parsed->entries[2].url, "https://example.org/x.stix2");
  ASSERT_EQ(parsed->problems.size(), 2U);
  EXPECT_NE(parsed->problems[0].find("Broken"), std::string::npos);
  EXPECT_NE(parsed->problems[0].find("line"), std::string::npos);

  const auto bad = parse_index("indicators: [\n  {name: x\n");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("line"), std::string::npos);
  EXPECT_FALSE(parse_index("something: else").has_value());
}

TEST(UpdateIndex, TheRealIndexParses) {
  const auto parsed = parse_index(test::read_file(test::shared_iocs_dir() / "mvt-indicators/indicators.yaml"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->entries.size(), 15U);
  EXPECT_TRUE(parsed->problems.empty());
}

TEST(UpdateNaming, FollowsMvt) {
  EXPECT_EQ(download_file_name(
                "https://raw.githubusercontent.com/mvt-project/mvt-indicators/main/2022-06-23_rcs_lab/rcs.stix2"),
            "raw.githubusercontent.com_mvt-project_mvt-indicators_main_2022-06-23_rcs_lab_rcs.stix2");
  // lstrip strips characters, not a prefix: MVT's name for this URL loses the "st" of "stalkerware".
  EXPECT_EQ(download_file_name("https://stalkerware.example/x.stix2"), "alkerware.example_x.stix2");
  EXPECT_EQ(download_file_name("http://127.0.0.1:8000/a/b.json"), "127.0.0.1:8000_a_b.json");
  EXPECT_EQ(download_file_name("https://example.org/feed"), "example.org_feed.stix2");
  EXPECT_EQ(download_file_name("https://.."), "download_...stix2");
}

TEST(UpdateAtomic, ReplacesWholeFiles) {
  test::TempDir dir;
  const fs::path target = dir / "sub" / "f.stix2";
  ASSERT_TRUE(write_file_atomically(target, "one").has_value());
  ASSERT_TRUE(write_file_atomically(target, "two").has_value());
  EXPECT_EQ(test::read_file(target), "two");
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir / "sub")) ++entries;
  EXPECT_EQ(entries, 1U);  // no temporary file left behind
}

class UpdateEndToEnd : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<test::TestHttpServer>(test::shared_iocs_dir());
    index_ = "indicators:\n";
    add_entry("Pegasus", "/AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2");
    add_entry("Candiru", "/mvt-indicators/candiru/candiru.stix2");
    add_entry("Missing", "/does/not/exist.stix2");
    add_entry("Not STIX", "/README.md");
    server_->route("/index.yaml", {200, index_, {}});
  }
  void add_entry(const std::string& name, const std::string& path) {
    index_ += "  - type: download\n    name: " + name + "\n    download_url: " + server_->url(path) + "\n";
  }
  [[nodiscard]] fs::path stored(const std::string& path) const {
    return data_.path() / "indicators" / download_file_name(server_->url(path));
  }

  test::TempDir data_;
  std::unique_ptr<test::TestHttpServer> server_;
  std::string index_;
};

TEST_F(UpdateEndToEnd, DownloadsKeepsPreviousCopiesAndStamps) {
  UpdateOptions options;
  options.index_url = server_->url("/index.yaml");
  options.data_dir = data_.path();
  options.timeout = std::chrono::milliseconds(10000);
  const UpdateReport first = update_indicators(options);
  ASSERT_FALSE(first.index_error.has_value());
  ASSERT_EQ(first.downloads.size(), 4U);
  EXPECT_FALSE(first.downloads[0].error.has_value());
  EXPECT_FALSE(first.downloads[1].error.has_value());
  ASSERT_TRUE(first.downloads[2].error.has_value());
  EXPECT_NE(first.downloads[2].error->message.find("404"), std::string::npos);
  ASSERT_TRUE(first.downloads[3].error.has_value());  // a 200 that is not STIX2 is refused
  EXPECT_FALSE(first.ok());

  const fs::path pegasus = stored("/AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2");
  EXPECT_EQ(pegasus.filename().string().rfind("127.0.0.1:", 0), 0U);
  EXPECT_EQ(test::read_file(pegasus),
            test::read_file(test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2"));
  EXPECT_FALSE(fs::exists(stored("/does/not/exist.stix2")));
  EXPECT_FALSE(fs::exists(stored("/README.md")));
  const auto stamp = read_stamp(data_.path(), kLastUpdateFile);
  ASSERT_TRUE(stamp.has_value());
  EXPECT_GT(*stamp, 1700000000);
  EXPECT_TRUE(read_stamp(data_.path(), kLastCheckFile).has_value());

  // Second run: Pegasus now fails on the server; the copy from the first run stays as it was.
  server_->route("/AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2", {500, "oops", {}});
  const UpdateReport second = update_indicators(options);
  ASSERT_TRUE(second.downloads[0].error.has_value());
  EXPECT_EQ(test::read_file(pegasus),
            test::read_file(test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2"));
}

TEST_F(UpdateEndToEnd, IndexFailureIsReported) {
  UpdateOptions options;
  options.index_url = server_->url("/no-index.yaml");
  options.data_dir = data_.path();
  const UpdateReport report = update_indicators(options);
  ASSERT_TRUE(report.index_error.has_value());
  EXPECT_NE(report.index_error->message.find("404"), std::string::npos);
  EXPECT_FALSE(report.ok());
  EXPECT_FALSE(read_stamp(data_.path(), kLastUpdateFile).has_value());
}

TEST_F(UpdateEndToEnd, CliUpdateListAndCheck) {
  test::TempDir xdg_home;
  const ScopedEnv xdg("XDG_DATA_HOME", xdg_home.path().string());
  const ScopedEnv no_env_iocs("LUMIERE_IOCS", "");
  EXPECT_EQ(user_indicators_dir(), xdg_home.path() / "lumiere" / "indicators");

  const auto run = [](std::vector<std::string> args) {
    args.insert(args.begin(), "lumiere");
    std::vector<char*> argv;
    argv.reserve(args.size());
    for (auto& arg : args) argv.push_back(arg.data());
    testing::internal::CaptureStdout();
    testing::internal::CaptureStderr();
    const int exit_code = cli::run(static_cast<int>(argv.size()), argv.data());
    const std::string out = testing::internal::GetCapturedStdout() + testing::internal::GetCapturedStderr();
    return std::make_pair(exit_code, out);
  };

  const auto [update_code, update_out] =
      run({"iocs", "update", "--index", server_->url("/index.yaml"), "--timeout", "10"});
  EXPECT_EQ(update_code, 2) << update_out;  // two entries failed
  EXPECT_NE(update_out.find("FAILED Missing"), std::string::npos) << update_out;
  EXPECT_NE(update_out.find("Downloaded 2 of 4"), std::string::npos) << update_out;

  // Loaded automatically from the user data folder, and listed.
  IndicatorSources sources;
  const IndicatorSet set = load_indicators(sources);
  EXPECT_EQ(set.files().size(), 2U);
  EXPECT_TRUE(set.match_process("bh").has_value());
  const auto [list_code, list_out] = run({"iocs", "list"});
  EXPECT_EQ(list_code, 0) << list_out;
  EXPECT_NE(list_out.find("collection \"Pegasus\": 1549 indicators"), std::string::npos) << list_out;
  EXPECT_NE(list_out.find("process:name: 81"), std::string::npos) << list_out;
  EXPECT_EQ(list_out.find("never"), std::string::npos) << list_out;

  test::TempDir files;
  test::write_file(files / "broken.stix2", "{\"objects\": [}");
  test::write_file(files / "bad_pattern.stix2", test::stix_bundle("M", {"[domain-name:value='x"}));
  const std::string talos = (test::shared_iocs_dir() / "cisco-talos-IOCs/2023/03/YoroTrooper.json").string();
  const auto [good_code, good_out] = run({"iocs", "check", talos});
  EXPECT_EQ(good_code, 0) << good_out;
  EXPECT_NE(good_out.find("compound AND patterns (skipped): 19"), std::string::npos) << good_out;
  const auto [bad_code, bad_out] =
      run({"iocs", "check", talos, (files / "broken.stix2").string(), (files / "bad_pattern.stix2").string()});
  EXPECT_EQ(bad_code, 2) << "a bad indicator file is an error (exit 1 means alerts)";
  EXPECT_NE(bad_out.find("broken.stix2: ERROR: invalid JSON at line 1, column 14"), std::string::npos) << bad_out;
  EXPECT_NE(bad_out.find("indicator--t-0"), std::string::npos) << bad_out;

  const auto [missing_code, missing_out] = run({"iocs", "check", (files / "no-such.stix2").string()});
  EXPECT_EQ(missing_code, 2) << missing_out;
  EXPECT_NE(missing_out.find("no-such.stix2: ERROR"), std::string::npos) << missing_out;

  // A folder, as -i takes one: every STIX2 file in it is checked.
  test::TempDir folder;
  fs::copy_file(talos, folder / "YoroTrooper.json");
  test::write_file(folder / "sub" / "m.stix2", test::stix_bundle("M", {"[process:name='p']"}));
  const auto [dir_code, dir_out] = run({"iocs", "check", folder.path().string()});
  EXPECT_EQ(dir_code, 0) << dir_out;
  EXPECT_NE(dir_out.find("YoroTrooper.json: OK"), std::string::npos) << dir_out;
  EXPECT_NE(dir_out.find("m.stix2: OK"), std::string::npos) << dir_out;
  test::TempDir empty;
  const auto [empty_code, empty_out] = run({"iocs", "check", empty.path().string()});
  EXPECT_EQ(empty_code, 2) << empty_out;
  EXPECT_NE(empty_out.find("no STIX2 file"), std::string::npos) << empty_out;
}

TEST(Sources, PathsEnvironmentAndUserDataAreCumulativeAndDeduplicated) {
  test::TempDir root;
  test::write_file(root / "data" / "lumiere" / "indicators" / "auto.stix2",
                   test::stix_bundle("Auto", {"[process:name='autoproc']"}, "u"));
  test::write_file(root / "env" / "e.stix2", test::stix_bundle("Env", {"[process:name='envproc']"}, "e"));
  test::write_file(root / "given" / "nested" / "g.stix2",
                   test::stix_bundle("Given", {"[process:name='givenproc']"}, "g"));
  test::write_file(root / "given" / "misp.json", R"({"Event": {"Attribute": []}})");
  test::write_file(root / "given" / "notes.txt", "not an ioc file");
  test::write_file(root / "explicit.txt", test::stix_bundle("Explicit", {"[process:name='explicitproc']"}, "x"));
  fs::create_directory_symlink(root / "given", root / "given-link");

  const ScopedEnv xdg("XDG_DATA_HOME", (root / "data").string());
  const ScopedEnv env("LUMIERE_IOCS", (root / "env").string() + "::" + (root / "given").string());
  const ScopedEnv no_mvt("MVT_STIX2", "");
  IndicatorSources sources;
  sources.paths = {root / "given", root / "given-link" / "nested" / "g.stix2", root / "explicit.txt"};
  const auto files = indicator_files(sources);
  std::vector<std::string> names;
  names.reserve(files.size());
  for (const auto& file : files) names.push_back(file.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"g.stix2", "explicit.txt", "auto.stix2", "e.stix2"}));

  const IndicatorSet set = load_indicators(sources);
  for (const char* process : {"autoproc", "envproc", "givenproc", "explicitproc"}) {
    EXPECT_TRUE(set.match_process(process).has_value()) << process;
  }
  IndicatorSources only_given;
  only_given.paths = {root / "given"};
  only_given.use_environment = false;
  only_given.use_user_data = false;
  const IndicatorSet given = load_indicators(only_given);
  EXPECT_EQ(given.size(), 1U);
  EXPECT_FALSE(given.match_process("autoproc").has_value());
}

// An MVT user's set-up keeps working: MVT's downloaded-indicator folder and MVT_STIX2, with MVT's rules
// (*.stix2 only; a file entry of MVT_STIX2 that is not .stix2 is skipped and said).
TEST(Sources, MvtFolderAndMvtStix2AreLoaded) {
  test::TempDir root;
  test::write_file(root / "data" / "mvt" / "indicators" / "downloaded.stix2",
                   test::stix_bundle("Downloaded", {"[process:name='mvtdownloaded']"}, "d"));
  test::write_file(root / "data" / "mvt" / "indicators" / "ignored.json",
                   test::stix_bundle("Json", {"[process:name='mvtjson']"}, "j"));
  test::write_file(root / "mvtenv" / "deep" / "e.stix2", test::stix_bundle("Env", {"[process:name='mvtenv']"}, "e"));
  test::write_file(root / "mvtenv" / "x.json", test::stix_bundle("EnvJson", {"[process:name='mvtenvjson']"}, "k"));
  test::write_file(root / "single.STIX2", test::stix_bundle("Single", {"[process:name='mvtsingle']"}, "s"));
  test::write_file(root / "notstix.txt", test::stix_bundle("Txt", {"[process:name='mvttxt']"}, "t"));
  fs::create_directories(root / "data" / "lumiere" / "indicators");

  const ScopedEnv xdg("XDG_DATA_HOME", (root / "data").string());
  const ScopedEnv env("LUMIERE_IOCS", "");
  const ScopedEnv mvt("MVT_STIX2", (root / "mvtenv").string() + ":" + (root / "single.STIX2").string() + ":" +
                                       (root / "notstix.txt").string());
  EXPECT_EQ(mvt_indicators_dir(), root / "data" / "mvt" / "indicators");
  const IndicatorFileList list = list_indicator_files(IndicatorSources{});
  std::vector<std::string> names;
  for (const auto& file : list.files) names.push_back(file.filename().string());
  EXPECT_EQ(names, (std::vector<std::string>{"downloaded.stix2", "e.stix2", "single.STIX2"}));
  bool said_txt = false;
  bool said_empty = false;
  for (const auto& note : list.notes) {
    said_txt = said_txt || note.find("notstix.txt is not a .stix2 file") != std::string::npos;
    said_empty = said_empty || note.find("lumiere/indicators holds no indicator file") != std::string::npos;
  }
  EXPECT_TRUE(said_txt) << "MVT_STIX2's non-.stix2 file is said";
  EXPECT_TRUE(said_empty) << "an empty default folder is said plainly";
}

TEST(Sources, OutdatedIndicatorsAreWarnedAbout) {
  test::TempDir root;
  test::write_file(root / "old.stix2", test::stix_bundle("Old", {"[process:name='old']"}));
  test::write_file(root / "older.stix2", test::stix_bundle("Older", {"[process:name='older']"}));
  const auto now = std::chrono::system_clock::now();
  const auto set_age = [&](const fs::path& file, int days) {
    fs::last_write_time(file, std::chrono::file_clock::from_sys(now - std::chrono::days(days)));
  };
  set_age(root / "old.stix2", 45);
  set_age(root / "older.stix2", 400);
  const std::vector<std::string> files{(root / "old.stix2").string(), (root / "older.stix2").string()};
  const auto warning = outdated_indicators_warning(files, now);
  ASSERT_TRUE(warning.has_value());
  EXPECT_NE(warning->find("old.stix2"), std::string::npos) << *warning;
  EXPECT_NE(warning->find("45 days old"), std::string::npos) << "the newest file counts: " << *warning;
  EXPECT_NE(warning->find("lumiere iocs update"), std::string::npos) << *warning;
  set_age(root / "old.stix2", 2);
  EXPECT_FALSE(outdated_indicators_warning(files, now).has_value()) << "one recent file is enough";
  EXPECT_FALSE(outdated_indicators_warning({(root / "missing.stix2").string()}, now).has_value());
}

}  // namespace
}  // namespace lumiere::ioc
