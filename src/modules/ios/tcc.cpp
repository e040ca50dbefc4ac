// Artifact: HomeDomain Library/TCC/TCC.db, table `access` (privacy permissions per app). Three layouts:
// v1 (iOS <= 11) allowed/prompt_count; v2 (iOS 12-13) adds last_modified (Unix seconds); v3 (iOS 14+)
// auth_value/auth_reason. Spec §3.3 TCC.
#include "modules/ios/tcc.hpp"

#include <fmt/core.h>

#include <array>
#include <span>

#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& tcc_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::int64_t kClientTypeBundleId = 0;

std::string auth_value_name(std::int64_t value) {
  constexpr std::array<std::string_view, 4> kNames{"denied", "unknown", "allowed", "limited"};
  if (value < 0 || static_cast<std::size_t>(value) >= kNames.size()) return "";
  return std::string(kNames[static_cast<std::size_t>(value)]);
}

std::string auth_reason_name(std::int64_t reason) {
  constexpr std::array<std::string_view, 12> kNames{
      "error",          "user_consent",      "user_set",        "system_set",
      "service_policy", "mdm_policy",        "override_policy", "missing_usage_string",
      "prompt_timeout", "preflight_unknown", "entitled",        "app_type_policy"};
  if (reason < 1 || static_cast<std::size_t>(reason) > kNames.size()) return "unknown";
  return std::string(kNames[static_cast<std::size_t>(reason) - 1]);
}

std::string allowed_name(std::int64_t value) {
  if (value == 0) return "denied";
  if (value == 1) return "allowed";
  return "";
}

std::string unix_column_iso(const sqlite::Statement& stmt, std::string_view name) {
  const Json value = column_json(stmt, name);
  if (value.is_number_integer()) return timeconv::unix_to_iso(value.get<std::int64_t>());
  if (value.is_number()) return timeconv::unix_to_iso(value.get<double>());
  return "";
}

class Tcc final : public RecordModule<TccRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return tcc_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<TccRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<TccRecord>(ctx, parse_tcc);
    if (!records) return records;
    for (const auto& r : *records) {
      if (r.service == "kTCCServiceMicrophone" || r.service == "kTCCServiceCamera") {
        const bool v3 = r.schema == TccSchema::kV3;
        ctx.log().info(ctx.logger_name(),
                       fmt::format("Found client \"{}\" with access {} to {} on {}{}", r.client,
                                   v3 ? r.auth_value : r.allowed_value,
                                   r.service == "kTCCServiceMicrophone" ? "microphone" : "camera",
                                   r.last_modified.value_or("an unknown date"), v3 ? " by " + r.auth_reason_desc : ""));
      }
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} TCC entries", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const TccRecord& r) const override {
    Json j = Json::object();
    j["service"] = json_text(r.service);
    j["client"] = json_text(r.client);
    j["client_type"] = r.client_type;
    if (r.schema == TccSchema::kV3) {
      j["auth_value"] = r.auth_value;
      j["auth_reason_desc"] = r.auth_reason_desc;
    } else {
      j["allowed_value"] = r.allowed_value;
      j["prompt_count"] = r.prompt_count;
    }
    if (r.last_modified) j["last_modified"] = *r.last_modified;
    return j;
  }

  [[nodiscard]] std::optional<TccRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    TccRecord r;
    r.service = stored.value("service", "");
    r.client = stored.value("client", "");
    return r;
  }

  void check(ModuleContext& ctx, const TccRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr || r.client.empty()) return;
    if (auto match = iocs->match_process(r.client)) {
      ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
    }
  }

  void timeline(ModuleContext& ctx, const TccRecord& r) const override {
    if (!r.last_modified) return;
    const std::string& value = r.schema == TccSchema::kV3 ? r.auth_value : r.allowed_value;
    ctx.timeline(*r.last_modified, "AccessRequest",
                 utf8_backslashreplace(fmt::format("Access to {} by {} {}", r.service, r.client, value)));
  }
};

}  // namespace

Result<std::vector<TccRecord>> parse_tcc(const sqlite::Database& db) {
  auto columns = table_columns(db, "access");
  if (!columns) return std::move(columns).error();
  if (!columns->exists()) return unsupported_schema(db, "no table access");
  if (!columns->has_all({"service", "client"})) {
    return unsupported_schema(db, "table access has no service or client column");
  }
  // The layout is told by the columns it has; within it, a column a build lacks reads as NULL.
  static constexpr std::array<std::string_view, 4> kV3{"client_type", "auth_value", "auth_reason", "last_modified"};
  static constexpr std::array<std::string_view, 2> kV1V2{"client_type", "prompt_count"};
  TccSchema schema = TccSchema::kV3;
  std::string sql = "SELECT service, client, client_type, auth_value, auth_reason, last_modified FROM access";
  std::span<const std::string_view> optional = kV3;
  if (!columns->has("auth_value") && !columns->has("auth_reason") && columns->has("allowed")) {
    optional = kV1V2;
    schema = columns->has("last_modified") ? TccSchema::kV2 : TccSchema::kV1;
    sql = schema == TccSchema::kV2
              ? "SELECT service, client, client_type, allowed, prompt_count, last_modified FROM access"
              : "SELECT service, client, client_type, allowed, prompt_count FROM access";
  }
  auto shadow = null_missing_columns(db, {{"access", optional}});
  if (!shadow) return std::move(shadow).error();
  sql = *shadow + sql;
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<TccRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    TccRecord r;
    r.schema = schema;
    r.service = row.text("service");
    r.client = row.text("client");
    r.client_type = row.integer("client_type") == kClientTypeBundleId ? "bundle_id" : "absolute_path";
    if (schema == TccSchema::kV3) {
      // A layout without the column says nothing about the authorisation: "unknown", never "denied".
      r.auth_value = row.is_null("auth_value") ? "unknown" : auth_value_name(row.integer("auth_value"));
      r.auth_reason_desc = auth_reason_name(row.integer("auth_reason"));
    } else {
      r.allowed_value = allowed_name(row.integer("allowed"));
      r.prompt_count = column_json(row, "prompt_count");
    }
    if (schema != TccSchema::kV1) r.last_modified = unix_column_iso(row, "last_modified");
    records.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

const ModuleDescriptor& tcc_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.tcc",
      .slug = "tcc",
      .mvt_class = "TCC",
      .description =
          "Privacy permissions granted to apps and processes (TCC.db); clients checked against process "
          "indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain", .relative_path = "Library/TCC/TCC.db", .fs_glob = ""}},
      .timestamp_fields = {"last_modified"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kConfiguration,
      .parse = {.sqlite = &parse_entry<&parse_tcc, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_tcc() {
  return std::make_unique<Tcc>();
}

}  // namespace lumiere::modules::ios
