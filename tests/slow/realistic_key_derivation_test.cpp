// The realistic case (label "slow"): a backup with iOS's real key-derivation counts, 10,000,000 rounds of
// PBKDF2-HMAC-SHA256 (DPIC) then 10,000 of PBKDF2-HMAC-SHA1 (ITER), built, scanned and its key extracted
// through the `lumiere` binary.
#include <gtest/gtest.h>

#include "core/json.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere {
namespace {

namespace fs = std::filesystem;

TEST(RealisticKeyDerivation, TenMillionRounds) {
  test::TempDir temp;
  testing::FileMeta planted;
  planted.last_modified = 1626100450;
  testing::IosBackupBuilder builder(temp / "backup");
  builder.encrypted(true)
      .password("correct horse battery staple")
      .key_derivation({.dpic = 10'000'000, .iterations = 10'000, .double_derivation = true})
      .add_file("HomeDomain", "Library/Preferences/roleaccountd.plist", "<plist/>", planted);
  ASSERT_TRUE(builder.write());
  const std::string iocs =
      (test::shared_iocs_dir() / "AmnestyTech-investigations/2021-07-18_nso/pegasus.stix2").string();
  std::string console;
  ASSERT_EQ(test::run_command("env LUMIERE_BACKUP_PASSWORD='correct horse battery staple' " +
                                  test::lumiere_binary().string() + " ios check-backup -i '" + iocs + "' -o '" +
                                  (temp / "out").string() + "' '" + (temp / "backup").string() + "' </dev/null",
                              &console),
            1)
      << console;
  const Json alerts = Json::parse(test::read_file(temp / "out" / "alerts.json"));
  ASSERT_EQ(alerts.size(), 1U);
  EXPECT_EQ(alerts[0]["matched_indicator"]["value"], "roleaccountd.plist");
}

}  // namespace
}  // namespace lumiere
