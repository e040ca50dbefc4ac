// analyse() as a library call, without the command line: the demo's infected backup against Amnesty's public
// Pegasus indicators, the same backup with a module that finds nothing, and a re-check of stored results.
#include "framework/analysis.hpp"

#include <gtest/gtest.h>

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/log.hpp"
#include "indicators/loader.hpp"
#include "sources/ios_backup.hpp"
#include "sources/ios_backup_source.hpp"
#include "support/test_support.hpp"
#include "testing/demo_backup.hpp"

namespace lumiere {
namespace {

class AnalysisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(testing::build_demo_backup(dir_ / "backup"));
    auto opened = sources::IosBackup::open(dir_ / "backup");
    ASSERT_TRUE(opened) << opened.error().describe();
    backup_.emplace(std::move(*opened));
    source_.emplace(*backup_);
    ioc::IndicatorSources iocs;
    iocs.paths.push_back(test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2");
    iocs.use_environment = false;
    iocs.use_user_data = false;
    indicators_ = ioc::load_indicators(iocs);
    ASSERT_GT(indicators_.size(), 1000U);
  }

  AnalysisRequest request(const ioc::IndicatorSet* indicators) {
    AnalysisRequest r;
    r.environment.logger = &logger_;
    r.environment.indicators = indicators;
    return r;
  }

  static std::size_t alerts_of(const AnalysisOutcome& outcome, std::string_view slug) {
    for (const auto& run : outcome.runs) {
      if (run.descriptor->slug == slug) return run.output.alerts.size();
    }
    return 0;
  }

  test::TempDir dir_;
  Logger logger_;
  std::optional<sources::IosBackup> backup_;
  std::optional<sources::IosBackupSource> source_;
  ioc::IndicatorSet indicators_;
};

TEST_F(AnalysisTest, InfectedBackupGivesSpywareSignsWithCountsAndCoverage) {
  auto outcome = analyse(*source_, request(&indicators_));
  ASSERT_TRUE(outcome) << outcome.error().describe();
  EXPECT_EQ(outcome->verdict, Verdict::kSpywareSigns);
  EXPECT_EQ(outcome->indicator_count, indicators_.size());
  // The planted traces: the SMS link to smscentro.com, the "bh" process in DataUsage, the roleaccountd file.
  EXPECT_EQ(alerts_of(*outcome, "sms"), 1U);
  EXPECT_GE(alerts_of(*outcome, "datausage"), 1U);
  EXPECT_GE(alerts_of(*outcome, "manifest"), 1U);
  EXPECT_GE(outcome->counts.at(AlertLevel::kCritical), 2U);
  EXPECT_EQ(outcome->counts.total(), count_alerts(outcome->runs).total());
  // Every planned module ran; the demo holds some artifacts, not all.
  EXPECT_EQ(outcome->coverage.modules, outcome->runs.size());
  EXPECT_EQ(outcome->coverage.analysed + outcome->coverage.missing + outcome->coverage.unreadable,
            outcome->coverage.modules);
  EXPECT_GE(outcome->coverage.analysed, 3U);
  EXPECT_GT(outcome->coverage.missing, 0U);
}

TEST_F(AnalysisTest, OneModuleThatFindsNothingGivesNoSign) {
  AnalysisRequest r = request(&indicators_);
  r.only_module = "calls";  // the demo has no call history
  auto outcome = analyse(*source_, r);
  ASSERT_TRUE(outcome) << outcome.error().describe();
  ASSERT_EQ(outcome->runs.size(), 1U);
  EXPECT_EQ(outcome->runs[0].output.status, ModuleStatus::kMissing);
  EXPECT_EQ(outcome->verdict, Verdict::kNoSign);
  EXPECT_EQ(outcome->counts.total(), 0U);
  EXPECT_EQ(outcome->coverage.missing, 1U);
}

TEST_F(AnalysisTest, UnknownModuleIsAnErrorAndNothingRuns) {
  AnalysisRequest r = request(&indicators_);
  r.only_module = "no_such_module";
  auto outcome = analyse(*source_, r);
  ASSERT_FALSE(outcome);
  EXPECT_NE(outcome.error().message.find("no_such_module"), std::string::npos) << outcome.error().describe();
}

TEST_F(AnalysisTest, RecheckOfStoredSmsResultsReachesTheSameVerdict) {
  AnalysisRequest r = request(&indicators_);
  r.only_module = "sms";
  auto outcome = analyse(*source_, r);
  ASSERT_TRUE(outcome) << outcome.error().describe();
  ASSERT_EQ(outcome->runs.size(), 1U);
  test::write_file(dir_ / "results" / "sms.json", outcome->runs[0].output.results.dump());

  AnalysisRequest again = request(&indicators_);
  // No evidence: only the stored records.
  const std::array kinds{SourceKind::kIosBackup};
  const RecheckOutcome rechecked = recheck(dir_ / "results", kinds, again);
  EXPECT_EQ(rechecked.outcome.verdict, Verdict::kSpywareSigns);
  EXPECT_EQ(rechecked.outcome.counts.at(AlertLevel::kCritical), outcome->counts.at(AlertLevel::kCritical));
  EXPECT_EQ(rechecked.outcome.runs.size(), 1U);
}

}  // namespace
}  // namespace lumiere
