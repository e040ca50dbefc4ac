// The external merge sort behind timeline.csv and timeline.jsonl: rows spilled as sorted runs by several
// writers merge into one ordered, de-duplicated sequence, and the run files are gone afterwards.
#include "output/sorted_runs.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "support/test_support.hpp"

namespace lumiere::output {
namespace {

std::string key_of(std::int64_t n, const std::string& a, const std::string& b) {
  std::string key;
  append_key_int(key, n);
  append_key_text(key, a);
  append_key_text(key, b);
  return key;
}

TEST(SortedRuns, KeysSortAsTheirTuples) {
  using Tuple = std::tuple<std::int64_t, std::string, std::string>;
  const std::vector<Tuple> tuples{
      {-5, "b", ""}, {0, "", "x"},     {0, "a", ""},    {0, "a", std::string(1, '\0')},   {0, "a\0b", "c"},
      {0, "ab", ""}, {3, "\xff", "z"}, {-1, "zz", "a"}, {std::int64_t{1} << 40, "a", "b"}};
  for (const auto& x : tuples) {
    for (const auto& y : tuples) {
      const std::string kx = key_of(std::get<0>(x), std::get<1>(x), std::get<2>(x));
      const std::string ky = key_of(std::get<0>(y), std::get<1>(y), std::get<2>(y));
      EXPECT_EQ(kx < ky, x < y);
      EXPECT_EQ(kx == ky, x == y);
    }
  }
  std::string key;
  append_key_text(key, std::string("nul\0inside", 10));
  append_key_text(key, "second");
  std::string_view rest = key;
  EXPECT_EQ(next_key_text(rest), std::string("nul\0inside", 10));
  EXPECT_EQ(next_key_text(rest), "second");
  EXPECT_TRUE(rest.empty());
}

TEST(SortedRuns, MergesRunsOfManyWritersInOrderWithoutDuplicates) {
  test::TempDir temp;
  std::vector<std::string> merged;
  {
    SortedRuns runs(temp.path(), "t");
    // A budget of a few rows: each writer spills many runs.
    SortedRuns::Writer a(runs, "a", 300);
    SortedRuns::Writer b(runs, "b", 300);
    for (int i = 0; i < 200; ++i) {
      std::string key;
      append_key_int(key, (i * 37) % 101);  // duplicates across and within runs
      a.add(key, "a" + std::to_string(i));
      b.add(key, "b" + std::to_string(i));
    }
    a.close();
    b.close();
    EXPECT_FALSE(runs.empty());
    std::size_t files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(temp.path())) files += entry.is_regular_file() ? 1 : 0;
    EXPECT_GT(files, 10U) << "the rows were spilled";
    std::string last;
    auto ok = runs.merge([&](const SortedRow& row) {
      EXPECT_LT(last, row.key);
      last = row.key;
      merged.push_back(row.payload);
    });
    ASSERT_TRUE(ok) << ok.error().describe();
  }
  ASSERT_EQ(merged.size(), 101U);
  // Of equal keys, the first writer's (by order) first row is kept: key 0 first came from i = 0.
  EXPECT_EQ(merged[0], "a0");
  EXPECT_EQ(merged[37], "a1");
  for (const auto& payload : merged) EXPECT_EQ(payload[0], 'a');
  EXPECT_TRUE(std::filesystem::is_empty(temp.path())) << "the runs are removed";
}

}  // namespace
}  // namespace lumiere::output
