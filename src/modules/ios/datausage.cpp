// Artifact: WirelessDomain Library/Databases/DataUsage.sqlite (per-process cellular/Wi-Fi usage, iOS 9+;
// ZWIFIIN/ZWIFIOUT gone in newer releases). NetBase layout and checks: netbase.cpp, spec §3.4. The
// filesystem-only search for each process's binary does not apply to backups.
#include <fmt/core.h>

#include "modules/ios/common.hpp"
#include "modules/ios/ios_modules.hpp"
#include "modules/ios/netbase.hpp"

namespace lumiere::modules::ios {
namespace {

class Datausage final : public Module {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return datausage_descriptor(); }

  Result<void> run(ModuleContext& ctx) override {
    auto files = find_artifacts(ctx);
    if (!files) return std::move(files).error();
    // One DataUsage.sqlite per backup: its single location.
    const auto& file = files->front();
    auto parsed = parse_artifact_database<std::vector<NetbaseRecord>>(ctx, file, parse_netbase);
    if (!parsed) return std::move(parsed).error();
    ctx.log().info(ctx.logger_name(), fmt::format("Found {} data usage entries", parsed->size()));
    const std::string provenance = file.provenance();
    std::vector<NetbaseRecord> records = std::move(*parsed);
    netbase_check(ctx, records, provenance);
    Json results = Json::array();
    for (const auto& r : records) results.push_back(netbase_to_json(r));
    for (const auto& r : records) netbase_timeline(ctx, r);
    if (!results.empty()) ctx.output().results = std::move(results);
    return {};
  }

  Result<void> recheck(ModuleContext& ctx, const Json& stored) override {
    if (!stored.is_array()) return unexpected(ErrorCode::kParse, "stored results are not a JSON list");
    std::vector<NetbaseRecord> records;
    for (const Json& item : stored) {
      auto record = netbase_from_json(item);
      if (!record) return unexpected(ErrorCode::kParse, "a stored data usage entry is not a JSON object");
      records.push_back(std::move(*record));
    }
    netbase_check(ctx, records, "");
    return {};
  }
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
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_datausage() {
  return std::make_unique<Datausage>();
}

}  // namespace lumiere::modules::ios
