// The open-addressing index behind every query: growth, first-value-wins, suffix hashing.
#include "indicators/flat_index.hpp"

#include <gtest/gtest.h>

namespace lumiere::ioc {
namespace {

TEST(FlatIndex, InsertFindAndFirstWins) {
  FlatIndex index;
  EXPECT_EQ(index.find("anything"), FlatIndex::kNone);
  for (std::uint32_t i = 0; i < 20000; ++i) index.insert("key" + std::to_string(i), i);
  index.insert("key7", 99999);  // a later duplicate never replaces the earlier indicator
  index.insert("", 5);
  EXPECT_EQ(index.size(), 20001U);
  for (std::uint32_t i = 0; i < 20000; ++i) ASSERT_EQ(index.find("key" + std::to_string(i)), i);
  EXPECT_EQ(index.find("key7"), 7U);
  EXPECT_EQ(index.find(""), 5U);
  EXPECT_EQ(index.find("key20000"), FlatIndex::kNone);
  EXPECT_EQ(index.find("KEY1"), FlatIndex::kNone);
}

TEST(FlatIndex, ReverseRunningHashGivesEverySuffixHash) {
  const std::string host = "a.b.evil.com";
  std::uint64_t state = FlatIndex::kSeed;
  std::vector<std::string> suffixes;
  for (std::size_t i = host.size(); i > 0; --i) {
    state = FlatIndex::step(state, host[i - 1]);
    if (i == 1 || host[i - 2] == '.') {
      const std::string suffix = host.substr(i - 1);
      EXPECT_EQ(FlatIndex::finish(state), FlatIndex::hash(suffix)) << suffix;
      suffixes.push_back(suffix);
    }
  }
  EXPECT_EQ(suffixes, (std::vector<std::string>{"com", "evil.com", "b.evil.com", "a.b.evil.com"}));
}

}  // namespace
}  // namespace lumiere::ioc
