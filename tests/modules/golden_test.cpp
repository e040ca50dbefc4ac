// Data-driven golden tests: every tests/fixtures/<module-id>/<case>/ is built, its module run, and the
// canonical output compared with expected.json. UPDATE_GOLDEN=1 rewrites expected.json (review the diff).
#include <gtest/gtest.h>

#include <cstdlib>

#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere::test {
namespace {

std::vector<FixtureCase> all_cases() {
  std::vector<FixtureCase> cases;
  for (const auto& id : fixture_module_ids()) {
    for (auto& c : fixture_cases(id)) cases.push_back(std::move(c));
  }
  return cases;
}

class GoldenTest : public ::testing::TestWithParam<FixtureCase> {};

TEST_P(GoldenTest, MatchesExpected) {
  const FixtureCase& fixture = GetParam();
  const Json actual = run_fixture_case(fixture);
  const auto expected_file = fixture.directory / "expected.json";
  const char* update = std::getenv("UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    write_file(expected_file, actual.dump(2) + "\n");
    GTEST_SKIP() << "rewrote " << expected_file;
  }
  ASSERT_TRUE(std::filesystem::exists(expected_file)) << "no expected.json: run with UPDATE_GOLDEN=1 and review it";
  const Json expected = Json::parse(read_file(expected_file));
  EXPECT_EQ(actual.dump(2), expected.dump(2)) << "case " << fixture.module_id << "/" << fixture.name;
}

INSTANTIATE_TEST_SUITE_P(Fixtures, GoldenTest, ::testing::ValuesIn(all_cases()),
                         [](const ::testing::TestParamInfo<FixtureCase>& param_info) {
                           std::string name = param_info.param.module_id + "__" + param_info.param.name;
                           for (auto& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace lumiere::test
