// The module runner isolates modules: an exception or a corrupt database in one becomes a warning naming
// the module and the file, and the others still run. Plus MVT's ordering and -m rules (spec §3.0).
#include "framework/runner.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

#include "core/sqlite.hpp"
#include "framework/registry.hpp"
#include "support/test_support.hpp"

namespace lumiere {
namespace {

ModuleDescriptor make_descriptor(std::string_view slug, std::vector<std::string_view> deps = {}) {
  ModuleDescriptor d;
  d.id = slug;
  d.slug = slug;
  d.mvt_class = slug;
  d.description = "test module";
  d.sources = {SourceKind::kIosBackup};
  d.dependencies = std::move(deps);
  return d;
}

const ModuleDescriptor& first_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("first");
  return kD;
}
const ModuleDescriptor& thrower_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("thrower");
  return kD;
}
const ModuleDescriptor& corrupt_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("corrupt_db");
  return kD;
}
const ModuleDescriptor& last_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("last");
  return kD;
}

// Where the corrupt database lives for this test run (set by the test before running).
std::filesystem::path& corrupt_path() {
  static std::filesystem::path path;
  return path;
}

class First final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return first_descriptor(); }
  Result<void> run(ModuleContext& ctx) override {
    ctx.output().results = Json::array({Json{{"n", 1}}});
    ctx.timeline("2021-07-18 10:00:00.000000", "e", "same row twice");
    ctx.timeline("2021-07-18 10:00:00.000000", "e", "same row twice");
    return {};
  }
};
class Thrower final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return thrower_descriptor(); }
  Result<void> run(ModuleContext& /*ctx*/) override { throw std::runtime_error("boom in parser"); }
};
class CorruptDb final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return corrupt_descriptor(); }
  Result<void> run(ModuleContext& /*ctx*/) override {
    auto db = sqlite::Database::open_evidence(corrupt_path(), "HomeDomain/Library/SMS/sms.db");
    if (!db) return std::move(db).error();
    if (auto ok = db->probe(); !ok) return ok.error();
    return {};
  }
};
class Last final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return last_descriptor(); }
  Result<void> run(ModuleContext& ctx) override {
    ctx.output().results = Json::array({Json{{"ran", true}}});
    return {};
  }
};

template <class M>
std::unique_ptr<Module> make() {
  return std::make_unique<M>();
}

const std::array kTestRegistry{
    RegistryEntry{&first_descriptor, &make<First>},
    RegistryEntry{&thrower_descriptor, &make<Thrower>},
    RegistryEntry{&corrupt_descriptor, &make<CorruptDb>},
    RegistryEntry{&last_descriptor, &make<Last>},
};

TEST(Runner, ThrowingModuleAndCorruptDatabaseBecomeWarningsAndTheRunGoesOn) {
  test::TempDir temp;
  corrupt_path() = temp / "sms.db";
  test::write_file(corrupt_path(), std::string("SQLite format 3") + std::string(1, '\0') + std::string(200, 'x'));

  auto plan = plan_modules(kTestRegistry, SourceKind::kIosBackup, std::nullopt);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->size(), 4U);
  Logger logger;
  logger.set_console_level(LogLevel::kAlertCritical);
  RunEnvironment env;
  env.logger = &logger;
  auto runs = run_modules(*plan, env, {});
  ASSERT_TRUE(runs);
  ASSERT_EQ(runs->size(), 4U);

  EXPECT_EQ((*runs)[0].output.status, ModuleStatus::kRan);
  ASSERT_EQ((*runs)[0].output.timeline.size(), 1U) << "per-module timeline de-duplication";

  const auto& thrown = (*runs)[1].output;
  EXPECT_EQ(thrown.status, ModuleStatus::kFailed);
  ASSERT_EQ(thrown.warnings.size(), 1U);
  EXPECT_EQ(thrown.warnings[0].module, "thrower");
  EXPECT_NE(thrown.warnings[0].message.find("boom in parser"), std::string::npos);

  const auto& corrupt = (*runs)[2].output;
  EXPECT_EQ(corrupt.status, ModuleStatus::kCorrupt);
  ASSERT_EQ(corrupt.warnings.size(), 1U);
  EXPECT_EQ(corrupt.warnings[0].module, "corrupt_db");
  EXPECT_EQ(corrupt.warnings[0].path, "HomeDomain/Library/SMS/sms.db");
  EXPECT_EQ(corrupt.warnings[0].kind, WarningKind::kCorrupt);

  EXPECT_EQ((*runs)[3].output.status, ModuleStatus::kRan);
  EXPECT_EQ((*runs)[3].output.results[0]["ran"], true);
}

const ModuleDescriptor& a_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("a_mod", {"c_mod"});
  return kD;
}
const ModuleDescriptor& b_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("b_mod");
  return kD;
}
const ModuleDescriptor& c_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("c_mod");
  return kD;
}
const ModuleDescriptor& cyc1_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("cyc1", {"cyc2"});
  return kD;
}
const ModuleDescriptor& cyc2_descriptor() {
  static const ModuleDescriptor kD = make_descriptor("cyc2", {"cyc1"});
  return kD;
}

const std::array kOrderRegistry{
    RegistryEntry{&a_descriptor, &make<Last>},
    RegistryEntry{&b_descriptor, &make<Last>},
    RegistryEntry{&c_descriptor, &make<Last>},
};

std::vector<std::string_view> slugs(const std::vector<const RegistryEntry*>& plan) {
  std::vector<std::string_view> out;
  out.reserve(plan.size());
  for (const auto* e : plan) out.push_back(e->descriptor().slug);
  return out;
}

TEST(Runner, StableTopologicalOrder) {
  auto plan = plan_modules(kOrderRegistry, SourceKind::kIosBackup, std::nullopt);
  ASSERT_TRUE(plan);
  // a depends on c: b (index 1) is ready before c (index 2), then a.
  EXPECT_EQ(slugs(*plan), (std::vector<std::string_view>{"b_mod", "c_mod", "a_mod"}));
}

TEST(Runner, ModuleOptionRunsItsDependencies) {
  auto plan = plan_modules(kOrderRegistry, SourceKind::kIosBackup, std::string("a_mod"));
  ASSERT_TRUE(plan);
  EXPECT_EQ(slugs(*plan), (std::vector<std::string_view>{"c_mod", "a_mod"}));
  auto unknown = plan_modules(kOrderRegistry, SourceKind::kIosBackup, std::string("nope"));
  EXPECT_FALSE(unknown);
  auto wrong_source = plan_modules(kOrderRegistry, SourceKind::kAndroidBugreport, std::string("a_mod"));
  EXPECT_FALSE(wrong_source);
}

TEST(Runner, CycleMeansNothingRuns) {
  const std::array cyclic{RegistryEntry{&cyc1_descriptor, &make<Last>}, RegistryEntry{&cyc2_descriptor, &make<Last>}};
  auto plan = plan_modules(cyclic, SourceKind::kIosBackup, std::nullopt);
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message.find("cycle"), std::string::npos);
}

}  // namespace
}  // namespace lumiere
