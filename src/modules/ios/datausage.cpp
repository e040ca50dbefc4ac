// Artifact: WirelessDomain Library/Databases/DataUsage.sqlite (per-process cellular/Wi-Fi usage, iOS 9+;
// ZWIFIIN/ZWIFIOUT gone in newer releases). NetBase layout and checks: netbase.cpp, spec §3.4. The
// filesystem-only search for each process's binary does not apply to backups.
#include <fmt/core.h>

#include "modules/ios/common.hpp"
#include "modules/ios/netbase.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& datausage_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

class Datausage final : public RecordModule<NetbaseRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return datausage_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<NetbaseRecord>> extract(ModuleContext& ctx) const override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    // One DataUsage.sqlite per backup: its single location.
    const auto& file = files->front();
    auto parsed = parse_artifact_database<std::vector<NetbaseRecord>>(ctx, file, parse_netbase);
    if (!parsed) return std::move(parsed).error();
    ctx.log().info(ctx.logger_name(), fmt::format("Found {} data usage entries", parsed->size()));
    for (auto& r : *parsed) r.provenance = file.provenance();
    return parsed;
  }

  [[nodiscard]] Json to_json(const NetbaseRecord& r) const override { return netbase_to_json(r); }
  [[nodiscard]] std::optional<NetbaseRecord> from_json(const Json& stored) const override {
    return netbase_from_json(stored);
  }
  bool whole_set(ModuleContext& ctx, std::vector<NetbaseRecord>& records) const override {
    return netbase_whole_set(ctx, records);
  }
  void check(ModuleContext& ctx, const NetbaseRecord& r, const Json& json) const override {
    netbase_check(ctx, r, json);
  }
  void timeline(ModuleContext& ctx, const NetbaseRecord& r) const override { netbase_timeline(ctx, r); }
};

}  // namespace

const ModuleDescriptor& datausage_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.datausage",
      .slug = "datausage",
      .mvt_class = "Datausage",
      .description =
          "Per-process network usage (DataUsage.sqlite): process names against indicators, usage by deleted "
          "or missing process records",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "WirelessDomain", .relative_path = "Library/Databases/DataUsage.sqlite", .fs_glob = ""}},
      .timestamp_fields = {"first_isodate", "isodate", "live_isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kExecution,
      .parse = {.sqlite = &parse_entry<&parse_netbase, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_datausage() {
  return std::make_unique<Datausage>();
}

}  // namespace lumiere::modules::ios
