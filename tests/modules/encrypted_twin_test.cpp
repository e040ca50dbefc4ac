// Every golden fixture case again as an encrypted backup (a real keybag, an encrypted Manifest.db, every file
// encrypted with its own key): each module must give exactly the same canonical output as on the plain case.
// Cases that damage files after the build ("after" steps) or plant raw metadata are left out: damage to an
// encrypted file is a different damage (tested in tests/e2e/encrypted_backup_test.cpp).
#include <gtest/gtest.h>

#include "support/fixture_case.hpp"

namespace lumiere::test {
namespace {

std::vector<FixtureCase> encrypted_twin_cases() {
  std::vector<FixtureCase> cases;
  for (const auto& id : fixture_module_ids()) {
    for (auto& c : fixture_cases(id)) {
      const Json& backup = c.spec.contains("backup") ? c.spec["backup"] : Json::object();
      if (backup.contains("after") || backup.value("encrypted", false)) continue;
      bool raw = false;
      for (const auto& file : backup.value("files", Json::array())) raw = raw || file.contains("raw_metadata_hex");
      if (!raw) cases.push_back(std::move(c));
    }
  }
  return cases;
}

class EncryptedTwinTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(EncryptedTwinTest, SameOutputAsThePlainCase) {
  const FixtureCase& plain = GetParam();
  FixtureCase encrypted = plain;
  encrypted.spec["backup"]["encrypted"] = true;
  encrypted.spec["backup"]["password"] = "tw\xC3\xAEn \"$PATH\" `id` !!";
  const Json expected = run_fixture_case(plain);
  const Json actual = run_fixture_case(encrypted);
  EXPECT_EQ(actual.dump(2), expected.dump(2)) << "case " << plain.module_id << "/" << plain.name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, EncryptedTwinTest, ::testing::ValuesIn(encrypted_twin_cases()),
                         [](const ::testing::TestParamInfo<FixtureCase>& param_info) {
                           std::string name = param_info.param.module_id + "__" + param_info.param.name;
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace lumiere::test
