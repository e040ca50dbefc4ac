// The module registry: unique ids and slugs, a description, a fixture folder with the four required kinds of
// case (hit, clean, missing, malformed) for every module.
#include "framework/registry.hpp"

#include <gtest/gtest.h>

#include <set>

#include "support/fixture_case.hpp"
#include "support/test_support.hpp"

namespace lumiere {
namespace {

TEST(Registry, IdsAndSlugsAreUniqueAndDescribed) {
  std::set<std::string_view> ids;
  std::set<std::string_view> slugs;
  std::set<std::string_view> classes;
  ASSERT_FALSE(module_registry().empty());
  for (const auto& entry : module_registry()) {
    const auto& d = entry.descriptor();
    EXPECT_TRUE(ids.insert(d.id).second) << "duplicate id " << d.id;
    EXPECT_TRUE(slugs.insert(d.slug).second) << "duplicate slug " << d.slug;
    EXPECT_TRUE(classes.insert(d.mvt_class).second) << "duplicate class " << d.mvt_class;
    EXPECT_GT(d.description.size(), 20U) << d.id;
    EXPECT_FALSE(d.sources.empty()) << d.id;
    EXPECT_EQ(entry.create()->descriptor().id, d.id) << "factory and descriptor disagree";
  }
}

TEST(Registry, EveryModuleHasFixtures) {
  for (const auto& entry : module_registry()) {
    const auto& d = entry.descriptor();
    const auto cases = test::fixture_cases(std::string(d.id));
    EXPECT_GE(cases.size(), 4U) << "module " << d.id
                                << " needs hit, clean, missing and malformed cases in tests/fixtures/" << d.id;
    for (const auto& c : cases) {
      EXPECT_TRUE(c.spec.contains("description")) << c.directory << " has no description of what it imitates";
    }
  }
}

TEST(Registry, FindsByslugIdOrClassName) {
  EXPECT_NE(find_module(module_registry(), "manifest"), nullptr);
  EXPECT_NE(find_module(module_registry(), "ios.manifest"), nullptr);
  EXPECT_NE(find_module(module_registry(), "Manifest"), nullptr);
  EXPECT_EQ(find_module(module_registry(), "nonexistent"), nullptr);
}

}  // namespace
}  // namespace lumiere
