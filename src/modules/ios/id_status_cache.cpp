// Artifact: com.apple.identityservices.idstatuscache.plist (HomeDomain Library/Preferences, iOS <= 14) and
// Library/IdentityServices/idstatuscache.plist (HomeDomain, newer iOS): identityservicesd's cache of IDS
// lookups, {service: {handle: {LookupDate (Mac time), IDStatus}}}. Spec §3.3 IDStatusCache; Amnesty's 2021
// Pegasus methodology (iMessage lookups of attacker accounts).
#include "modules/ios/id_status_cache.hpp"

#include <fmt/core.h>

#include <map>

#include "core/plist_json.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& id_status_cache_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::string_view kMailto = "mailto:";
constexpr std::string_view kDoubleNul = "\\x00\\x00";

std::string lookup_time(const plist::Value* value) {
  if (value == nullptr) return "";
  if (const auto* date = value->get_if<plist::Date>()) return plist_date_iso(*date);
  if (const auto* real = value->get_if<double>()) return timeconv::mac_to_iso(*real);
  if (const auto* integer = value->get_if<std::int64_t>()) return timeconv::mac_to_iso(*integer);
  return "";
}

// Python's repr of the NUL byte inside the handle, as MVT writes it; other bytes as backslashreplace.
std::string handle_text(std::string_view handle) {
  std::string out;
  for (const char c : handle) {
    if (c == '\0') {
      out += "\\x00";
    } else {
      out += c;
    }
  }
  return utf8_backslashreplace(out);
}

std::string strip_quotes(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c != '"' && c != '\'') out += c;
  }
  return out;
}

class IdStatusCache final : public RecordModule<IdStatusRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return id_status_cache_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<IdStatusRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_plist<IdStatusRecord>(ctx, parse_id_status_cache);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} ID Status Cache entries", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const IdStatusRecord& r) const override {
    Json j = Json::object();
    j["package"] = json_text(r.package);
    j["user"] = r.user;
    j["isodate"] = r.isodate;
    j["idstatus"] = r.idstatus;
    j["occurrences"] = r.occurrences;
    return j;
  }

  [[nodiscard]] std::optional<IdStatusRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    IdStatusRecord r;
    r.package = stored.value("package", "");
    r.user = stored.value("user", "");
    r.isodate = stored.value("isodate", "");
    r.idstatus = stored.value("idstatus", Json());
    r.occurrences = stored.value("occurrences", std::int64_t{0});
    return r;
  }

  void check(ModuleContext& ctx, const IdStatusRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;  // both checks, the NUL-pattern heuristic included, are IOC-gated in MVT
    if (r.user.starts_with(kMailto)) {
      if (auto match = iocs->match_email(strip_quotes(r.user.substr(kMailto.size())))) {
        ctx.alert(AlertLevel::kCritical, *match, "", json, r.provenance);
        return;
      }
    }
    if (r.user.find(kDoubleNul) != std::string::npos) {
      ctx.alert(AlertLevel::kHigh, fmt::format("Found an ID Status Cache entry with suspicious patterns: {}", r.user),
                r.isodate, json, r.provenance);
    }
  }

  void timeline(ModuleContext& ctx, const IdStatusRecord& r) const override {
    ctx.timeline(r.isodate, "lookup",
                 fmt::format("Lookup of {} within {} (Status {})", r.user, r.package, python_str(r.idstatus)));
  }
};

}  // namespace

Result<std::vector<IdStatusRecord>> parse_id_status_cache(const plist::Value& cache) {
  const auto* services = cache.get_if<plist::Dict>();
  if (services == nullptr)
    return unexpected(ErrorCode::kUnsupported, "unsupported schema: the cache is not a dictionary");
  std::vector<IdStatusRecord> records;
  std::map<std::string, std::int64_t> counts;
  for (const auto& [service, handles] : *services) {
    const auto* entries = handles.get_if<plist::Dict>();
    if (entries == nullptr) continue;
    for (const auto& [handle, lookup] : *entries) {
      if (!lookup.is<plist::Dict>()) continue;
      IdStatusRecord r;
      r.package = service;
      r.user = handle_text(handle);
      r.isodate = lookup_time(lookup.find("LookupDate"));
      const plist::Value* status = lookup.find("IDStatus");
      r.idstatus = status != nullptr ? plist_to_json(*status) : Json();
      ++counts[r.user];
      records.push_back(std::move(r));
    }
  }
  for (auto& r : records) r.occurrences = counts[r.user];
  return records;
}

const ModuleDescriptor& id_status_cache_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.id_status_cache",
      .slug = "id_status_cache",
      .mvt_class = "IDStatusCache",
      .description =
          "iMessage/FaceTime identity lookups (IDStatusCache): the accounts the phone looked up, "
          "checked against email indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain",
                     .relative_path = "Library/Preferences/com.apple.identityservices.idstatuscache.plist",
                     .fs_glob = ""},
                    {.domain = "HomeDomain",
                     .relative_path = "Library/IdentityServices/idstatuscache.plist",
                     .fs_glob = ""}},
      .timestamp_fields = {"isodate"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kDelivery,
      .parse = {.plist = &parse_entry<&parse_id_status_cache, plist::Value>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_id_status_cache() {
  return std::make_unique<IdStatusCache>();
}

}  // namespace lumiere::modules::ios
