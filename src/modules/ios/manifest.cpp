// Artifact: <backup>/Manifest.db, table Files (fileID, domain, relativePath, flags, file), iOS 10+ backups.
// The `file` blob is an NSKeyedArchiver archive of an MBFile object (Birth/LastModified/LastStatusChange as
// Unix seconds, Mode, UserID, Size). Reference: libimobiledevice idevicebackup2, spec §3.1 Manifest.
#include "modules/ios/manifest.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <array>

#include "core/nskeyed.hpp"
#include "core/time.hpp"
#include "framework/module.hpp"
#include "indicators/url.hpp"
#include "sources/ios_backup.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& manifest_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::array<std::string_view, 5> kRequiredColumns{"fileID", "domain", "relativePath", "flags", "file"};

std::string time_field(const plist::Value& mbfile, std::string_view key) {
  const plist::Value* value = mbfile.find(key);
  if (value == nullptr) return "";
  if (const auto* seconds = value->get_if<std::int64_t>()) return timeconv::unix_to_iso(*seconds);
  if (const auto* real = value->get_if<double>()) return timeconv::unix_to_iso(*real);
  if (const auto* date = value->get_if<plist::Date>()) {
    return timeconv::unix_to_iso(date->mac_seconds + static_cast<double>(timeconv::kMacEpochOffsetSeconds));
  }
  return "";
}

std::int64_t int_field(const plist::Value& mbfile, std::string_view key) {
  const plist::Value* value = mbfile.find(key);
  if (value == nullptr) return 0;
  if (const auto* i = value->get_if<std::int64_t>()) return *i;
  return 0;
}

std::optional<ManifestMetadata> decode_metadata(const std::vector<std::uint8_t>& blob, const std::string& where,
                                                std::string& problem) {
  if (blob.empty()) return std::nullopt;
  plist::KeyedArchiveIssues issues;
  auto mbfile = plist::decode_mbfile(blob, where, &issues);
  if (!mbfile) {
    problem = mbfile.error().message;
    return std::nullopt;
  }
  if (issues.total() > 0) {
    problem = fmt::format(
        "its metadata archive has {} reference cycle(s), {} dangling reference(s) and {} level(s) "
        "nested too deep (the affected values are left out)",
        issues.cycles, issues.dangling_references, issues.depth_cuts);
  }
  if (!mbfile->is<plist::Dict>()) return std::nullopt;
  ManifestMetadata meta;
  meta.created = time_field(*mbfile, "Birth");
  meta.modified = time_field(*mbfile, "LastModified");
  meta.status_changed = time_field(*mbfile, "LastStatusChange");
  meta.mode = fmt::format("0o{:o}", int_field(*mbfile, "Mode"));
  meta.owner = int_field(*mbfile, "UserID");
  meta.size = int_field(*mbfile, "Size");
  return meta;
}

class Manifest final : public RecordModule<ManifestRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return manifest_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ManifestRecord>> extract(ModuleContext& ctx) const override {
    const auto* backup = ctx.ios_backup();
    if (backup == nullptr) return unexpected(ErrorCode::kNotFound, "only an iOS backup has Manifest.db", "Manifest.db");
    auto db = backup->manifest();
    if (!db) return std::move(db).error();
    auto records = parse_manifest(**db);
    if (!records) return records;
    ctx.log().info(ctx.logger_name(), fmt::format("Found {} file entries in Manifest.db", records->size()));
    // Hostile or damaged metadata: one warning naming the first such file, with how many there are.
    const auto bad = std::count_if(records->begin(), records->end(),
                                   [](const ManifestRecord& r) { return !r.metadata_problem.empty(); });
    if (bad > 0) {
      const auto first = std::find_if(records->begin(), records->end(),
                                      [](const ManifestRecord& r) { return !r.metadata_problem.empty(); });
      ctx.warn(WarningKind::kCorrupt, utf8_backslashreplace(first->domain + "/" + first->relative_path),
               fmt::format("the Manifest.db metadata of {} file(s) could not be fully decoded; this one: {}", bad,
                           first->metadata_problem));
    }
    return records;
  }

  [[nodiscard]] Json to_json(const ManifestRecord& r) const override {
    Json j = Json::object();
    j["file_id"] = json_text(r.file_id);
    j["domain"] = json_text(r.domain);
    j["relative_path"] = json_text(r.relative_path);
    j["flags"] = r.flags;
    if (r.metadata) {
      j["created"] = r.metadata->created;
      j["modified"] = r.metadata->modified;
      j["status_changed"] = r.metadata->status_changed;
      j["mode"] = r.metadata->mode;
      j["owner"] = r.metadata->owner;
      j["size"] = r.metadata->size;
    }
    return j;
  }

  [[nodiscard]] std::optional<ManifestRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    ManifestRecord r;
    r.file_id = stored.value("file_id", "");
    r.domain = stored.value("domain", "");
    r.relative_path = stored.value("relative_path", "");
    r.flags = stored.value("flags", std::int64_t{0});
    return r;
  }

  void check(ModuleContext& ctx, const ManifestRecord& r, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr || r.relative_path.empty()) return;
    const std::string provenance = r.domain + "/" + r.relative_path;
    if (auto match = iocs->match_file_path("/" + r.relative_path)) {
      ctx.alert(AlertLevel::kHigh, *match, "", json, provenance);
      return;
    }
    // Apps name caches and cookies after the sites they talk to ("https_evil.com_0.localstorage").
    std::string lowered = r.relative_path;
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    std::size_t start = 0;
    while (start <= lowered.size()) {
      const std::size_t end = std::min(lowered.find('_', start), lowered.size());
      const std::string_view part(lowered.data() + start, end - start);
      const auto host = part.empty() ? std::nullopt : ioc::extract_host(part);
      if (host && host->type == ioc::HostType::kDomain && ioc::looks_like_domain(host->name)) {
        if (auto match = iocs->match_url(part)) {
          ctx.alert(
              AlertLevel::kHigh,
              fmt::format("Found mention of domain \"{}\" in a backup file with path: {}",
                          match->indicator != nullptr ? match->indicator->value : std::string(part), r.relative_path),
              "", json, provenance, &*match);
        }
      }
      start = end + 1;
    }
  }

  void timeline(ModuleContext& ctx, const ManifestRecord& r) const override {
    if (!r.metadata) return;
    const std::string data = r.relative_path + " - " + r.domain;
    std::array<const std::string*, 3> stamps{&r.metadata->created, &r.metadata->modified, &r.metadata->status_changed};
    std::vector<std::string> seen;
    for (const auto* ts : stamps) {
      if (ts->empty() || std::find(seen.begin(), seen.end(), *ts) != seen.end()) continue;
      seen.push_back(*ts);
      ctx.timeline(*ts, macb(*r.metadata, *ts), utf8_backslashreplace(data));
    }
  }
};

}  // namespace

std::string macb(const ManifestMetadata& metadata, const std::string& timestamp) {
  std::string out = "----";
  if (timestamp == metadata.modified) out[0] = 'M';
  if (timestamp == metadata.status_changed) out[2] = 'C';
  if (timestamp == metadata.created) out[3] = 'B';
  return out;
}

Result<std::vector<ManifestRecord>> parse_manifest(const sqlite::Database& manifest) {
  auto columns = manifest.columns("Files");
  if (!columns) return std::move(columns).error();
  if (columns->empty()) {
    return unexpected(ErrorCode::kUnsupported, "Manifest.db has no Files table (encrypted or damaged backup?)",
                      manifest.display_path());
  }
  for (const auto needed : kRequiredColumns) {
    if (std::find(columns->begin(), columns->end(), needed) == columns->end()) {
      return unexpected(ErrorCode::kUnsupported, fmt::format("unsupported schema: Files has no column {}", needed),
                        manifest.display_path());
    }
  }
  auto stmt = manifest.prepare("SELECT fileID, domain, relativePath, flags, file FROM Files");
  if (!stmt) return std::move(stmt).error();
  std::vector<ManifestRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    ManifestRecord r;
    r.file_id = row.text("fileID");
    r.domain = row.text("domain");
    r.relative_path = row.text("relativePath");
    r.flags = row.integer("flags");
    r.metadata = decode_metadata(row.blob("file"), manifest.display_path(), r.metadata_problem);
    records.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

const ModuleDescriptor& manifest_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.manifest",
      .slug = "manifest",
      .mvt_class = "Manifest",
      .description =
          "Every file listed in the backup's Manifest.db, with its MACB times; checks paths and "
          "domain names in file names against indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "", .relative_path = "Manifest.db", .fs_glob = ""}},
      .timestamp_fields = {"created", "modified", "status_changed"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kExecution,
      .parse = {.sqlite = &parse_entry<&parse_manifest, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_manifest() {
  return std::make_unique<Manifest>();
}

}  // namespace lumiere::modules::ios
