// The module registry: unique ids and slugs, a description, an evidence class, a parse entry point, and a
// fixture folder with the four required kinds of case (hit, clean, missing, malformed) for every module.
#include "framework/registry.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

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
    EXPECT_NE(d.evidence, nullptr) << d.id << " declares no evidence class (.evidence = &evidence::k...)";
    EXPECT_EQ(d.id, std::string("ios.") + std::string(d.slug)) << "id, slug and fixture folder share one name";
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
    std::map<std::string, int> roles;
    for (const auto& c : cases) {
      if (c.spec.contains("role")) ++roles[c.spec["role"].get<std::string>()];
    }
    for (const char* role : {"hit", "clean", "missing", "malformed"}) {
      EXPECT_EQ(roles[role], 1) << "module " << d.id << " needs exactly one case with \"role\": \"" << role
                                << "\" in tests/fixtures/" << d.id;
    }
    EXPECT_EQ(roles.size(), 4U) << d.id << ": unknown role in a case.json";
  }
}

// The hit case raises an alert where the module has an indicator check (its expected.json), the missing case
// finds no artifact and the malformed one does not read as a clean run.
TEST(Registry, RoleCasesShowTheirRole) {
  for (const auto& entry : module_registry()) {
    const std::string id(entry.descriptor().id);
    const auto missing = test::case_with_role(id, "missing");
    const auto malformed = test::case_with_role(id, "malformed");
    if (!missing || !malformed) continue;  // reported by EveryModuleHasFixtures
    const Json missing_out = Json::parse(test::read_file(missing->directory / "expected.json"));
    EXPECT_NE(missing_out.value("status", Json()).dump(), "\"ran\"") << missing->directory;
    const Json malformed_out = Json::parse(test::read_file(malformed->directory / "expected.json"));
    const bool warned = !malformed_out.value("warnings", Json::array()).empty();
    EXPECT_TRUE(malformed_out.value("status", "") != "ran" || warned) << malformed->directory;
  }
}

// Every SQLite, plist and text parser is reachable through the registry (the fuzz targets iterate these).
TEST(Registry, EveryModuleListsItsParseEntry) {
  for (const auto& entry : module_registry()) {
    const auto& p = entry.descriptor().parse;
    EXPECT_TRUE(p.sqlite != nullptr || p.plist != nullptr || p.text != nullptr) << entry.descriptor().id;
  }
}

// Issue #16: fuzz/fuzz_module_db runs every parse.sqlite entry of the registry, seeded (fuzz/seed.py) from every
// fixture's .sql script; the four SQLite parsers said to be unfuzzed are in it that way.
TEST(Registry, SqliteParsersOfIssue16AreFuzzedThroughTheRegistry) {
  for (const std::string id : {"ios.whatsapp", "ios.whatsapp_contacts", "ios.interaction_c", "ios.sms_attachments"}) {
    const auto* entry = find_module(module_registry(), id);
    ASSERT_NE(entry, nullptr) << id;
    EXPECT_NE(entry->descriptor().parse.sqlite, nullptr) << id;
    bool seeded = false;
    for (const auto& file : std::filesystem::recursive_directory_iterator(test::tests_dir() / "fixtures" / id)) {
      seeded = seeded || file.path().extension() == ".sql";
    }
    EXPECT_TRUE(seeded) << id << " has no .sql fixture to seed fuzz_module_db";
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
