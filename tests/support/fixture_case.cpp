#include "support/fixture_case.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>

#include "core/hash.hpp"
#include "framework/registry.hpp"
#include "framework/runner.hpp"
#include "indicators/loader.hpp"
#include "output/mvt_files.hpp"
#include "sources/archive_source.hpp"
#include "sources/directory_source.hpp"
#include "sources/ios_backup.hpp"
#include "sources/ios_backup_source.hpp"
#include "sources/ios_paths.hpp"
#include "support/test_support.hpp"
#include "testing/ios_backup_builder.hpp"

namespace lumiere::test {
namespace {

namespace fs = std::filesystem;

fs::path fixtures_root() {
  return tests_dir() / "fixtures";
}

plist::Bytes hex_bytes(const std::string& hex);

plist::Value plist_from_json(const Json& j);

plist::Bytes binary_plist(const Json& j) {
  auto bytes = plist::serialize(plist_from_json(j), plist::Format::kBinary);
  if (!bytes) throw std::runtime_error("fixture plist: " + bytes.error().describe());
  return *bytes;
}

// JSON → plist: {"$date": mac seconds} is a date, {"$data": "hex"} bytes, {"$uid": n} a UID,
// {"$bplist": value} the bytes of that value as a binary plist (plists nested in plists).
plist::Value plist_from_json(const Json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_boolean()) return j.get<bool>();
  if (j.is_number_integer()) return j.get<std::int64_t>();
  if (j.is_number_float()) return j.get<double>();
  if (j.is_array()) {
    plist::Array out;
    for (const auto& item : j) out.push_back(plist_from_json(item));
    return out;
  }
  if (j.is_object()) {
    if (j.contains("$date")) return plist::Date{j["$date"].get<double>()};
    if (j.contains("$data")) return hex_bytes(j["$data"].get<std::string>());
    if (j.contains("$uid")) return plist::Uid{j["$uid"].get<std::uint64_t>()};
    if (j.contains("$bplist")) return binary_plist(j["$bplist"]);
    plist::Dict out;
    for (const auto& [key, item] : j.items()) out.emplace_back(key, plist_from_json(item));
    return out;
  }
  return {};
}

testing::FileMeta meta_from_json(const Json& file) {
  testing::FileMeta meta;
  meta.birth = file.value("birth", meta.birth);
  meta.last_modified = file.value("modified", meta.last_modified);
  meta.last_status_change = file.value("changed", meta.last_status_change);
  return meta;
}

plist::Bytes hex_bytes(const std::string& hex) {
  plist::Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// A "blob_of" step on a file's bytes: "truncate" keeps the first bytes; "overwrite_at" + "content_hex"
// overwrites bytes from an offset.
void damage(std::string& data, const Json& step) {
  if (step.contains("truncate")) data.resize(std::min(data.size(), step["truncate"].get<std::size_t>()));
  if (step.contains("overwrite_at")) {
    const auto bytes = hex_bytes(step.value("content_hex", ""));
    const auto offset = step["overwrite_at"].get<std::size_t>();
    if (data.size() < offset + bytes.size()) data.resize(offset + bytes.size());
    std::copy(bytes.begin(), bytes.end(), data.begin() + static_cast<std::ptrdiff_t>(offset));
  }
}

}  // namespace

std::vector<std::string> fixture_module_ids() {
  std::vector<std::string> ids;
  for (const auto& entry : fs::directory_iterator(fixtures_root())) {
    if (entry.is_directory()) ids.push_back(entry.path().filename().string());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::vector<FixtureCase> fixture_cases(const std::string& module_id) {
  std::vector<FixtureCase> cases;
  const fs::path dir = fixtures_root() / module_id;
  if (!fs::is_directory(dir)) return cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (!entry.is_directory() || !fs::exists(entry.path() / "case.json")) continue;
    cases.push_back(FixtureCase{module_id, entry.path().filename().string(), entry.path(),
                                Json::parse(read_file(entry.path() / "case.json"))});
  }
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

void build_backup_from_spec(const FixtureCase& fixture, const fs::path& root) {
  const Json& spec = fixture.spec.at("backup");
  testing::IosBackupBuilder builder(root);
  if (spec.contains("info")) {
    for (const auto& [key, value] : spec["info"].items()) builder.info(key, plist_from_json(value));
  }
  builder.encrypted(spec.value("encrypted", false));
  // An encrypted case is a real encrypted backup (keybag, wrapped keys, encrypted Manifest.db and files) with
  // a low key-derivation count; the harness opens it with "password" (or the builder's default).
  if (spec.contains("password")) builder.password(spec["password"].get<std::string>());
  for (const auto& file : spec.value("files", Json::array())) {
    const std::string domain = file.at("domain");
    const std::string path = file.at("path");
    if (file.value("directory", false)) {
      builder.add_directory(domain, path, meta_from_json(file));
    } else if (file.contains("sql")) {
      builder.add_sqlite(domain, path, read_file(fixture.directory / file["sql"].get<std::string>()),
                         meta_from_json(file));
    } else if (file.contains("plist")) {
      const auto format = file.value("format", "binary") == "xml" ? plist::Format::kXml : plist::Format::kBinary;
      auto bytes = plist::serialize(plist_from_json(file["plist"]), format);
      if (!bytes) throw std::runtime_error("fixture plist: " + bytes.error().describe());
      builder.add_file(domain, path, std::string(bytes->begin(), bytes->end()), meta_from_json(file));
    } else if (file.contains("content_hex")) {
      const auto bytes = hex_bytes(file["content_hex"].get<std::string>());
      builder.add_file(domain, path, std::string(bytes.begin(), bytes.end()), meta_from_json(file));
    } else if (file.contains("raw_metadata_hex")) {
      builder.add_raw_row(domain, path, hex_bytes(file["raw_metadata_hex"]));
    } else {
      builder.add_file(domain, path, file.value("content", ""), meta_from_json(file));
    }
  }
  if (auto ok = builder.write(); !ok) throw std::runtime_error("fixture build failed: " + ok.error().describe());
  for (const auto& step : spec.value("after", Json::array())) {
    if (step.contains("delete")) fs::remove(root / step["delete"].get<std::string>());
    if (step.contains("write")) write_file(root / step["write"].get<std::string>(), step.value("content", ""));
    if (step.contains("blob_of")) {
      // Damage one backup file in place: {"blob_of": {"domain", "path"}, "truncate": bytes} keeps the first
      // bytes; {"blob_of": ..., "overwrite_at": offset, "content_hex": "..."} overwrites bytes from offset.
      const auto id = sources::IosBackup::file_id(step["blob_of"].at("domain").get<std::string>(),
                                                  step["blob_of"].at("path").get<std::string>());
      const fs::path blob = root / id.substr(0, 2) / id;
      std::string data = read_file(blob);
      damage(data, step);
      write_file(blob, data);
    }
    if (step.contains("sql_into")) {
      // Replace a root file (Manifest.db) with a database built from a script.
      const auto image = testing::sqlite_from_script(read_file(fixture.directory / step["sql"].get<std::string>()));
      if (!image) throw std::runtime_error(image.error().describe());
      write_file(root / step["sql_into"].get<std::string>(), *image);
    }
  }
}

std::vector<fs::path> case_indicator_files(const FixtureCase& fixture, const fs::path& scratch) {
  std::vector<fs::path> files;
  for (const auto& rel : fixture.spec.value("iocs", Json::array()))
    files.push_back(shared_iocs_dir() / rel.get<std::string>());
  if (fixture.spec.contains("iocs_inline")) {
    const fs::path inline_file = scratch / "inline.stix2";
    write_file(inline_file, fixture.spec["iocs_inline"].dump());
    files.push_back(inline_file);
  }
  return files;
}

namespace {

ioc::IndicatorSet case_indicators(const FixtureCase& fixture, const fs::path& scratch) {
  ioc::IndicatorSources sources;
  sources.paths = case_indicator_files(fixture, scratch);
  sources.use_environment = false;
  sources.use_user_data = false;
  return ioc::load_indicators(sources);
}

// Runs the case's module (and its dependencies) on `source`; the canonical output.
Json run_on_source(const FixtureCase& fixture, const sources::Source& source, const ioc::IndicatorSet& indicators) {
  const RegistryEntry* entry = nullptr;
  for (const auto& e : module_registry()) {
    if (e.descriptor().id == fixture.module_id) entry = &e;
  }
  if (entry == nullptr) throw std::runtime_error("no module with id " + fixture.module_id);
  // Modules are planned as for a backup whatever the source: the twin tests run the same module list.
  auto plan = plan_modules(module_registry(), SourceKind::kIosBackup, std::string(entry->descriptor().slug));
  if (!plan) throw std::runtime_error(plan.error().describe());

  Logger logger;
  logger.set_console_level(LogLevel::kAlertCritical);
  RunEnvironment env;
  env.logger = &logger;
  env.indicators = &indicators;
  env.source = &source;
  auto runs = run_modules(*plan, env, {});
  if (!runs) return Json{{"run_error", runs.error().message}};
  const auto it = std::find_if(runs->begin(), runs->end(),
                               [&](const ModuleRun& r) { return r.descriptor->id == fixture.module_id; });
  const ModuleOutput& out = it->output;

  Json canonical = Json::object();
  canonical["status"] = to_string(out.status);
  canonical["results"] = out.results;
  Json alerts = Json::array();
  for (const auto& alert : out.alerts) {
    Json a = output::alert_to_json(alert);
    a["provenance"] = alert.provenance;
    alerts.push_back(std::move(a));
  }
  canonical["alerts"] = std::move(alerts);
  Json warnings = Json::array();
  for (const auto& w : out.warnings) {
    warnings.push_back(Json{{"kind", to_string(w.kind)}, {"path", w.path}, {"message", w.message}});
  }
  canonical["warnings"] = std::move(warnings);
  Json timeline = Json::array();
  for (const auto& t : out.timeline) timeline.push_back(Json::array({t.timestamp, t.module, t.event, t.data}));
  canonical["timeline"] = std::move(timeline);
  if (!out.urls.empty()) {
    Json urls = Json::array();
    for (const auto& u : out.urls) {
      urls.push_back(Json{{"url", u.url},
                          {"expanded_url", u.expanded_url ? Json(*u.expanded_url) : Json(nullptr)},
                          {"timestamp", u.timestamp},
                          {"source", u.source}});
    }
    canonical["urls"] = std::move(urls);
  }
  return canonical;
}

// A container folder named like the device names them (a UUID), fixed per domain.
std::string container_folder(std::string_view domain) {
  const std::string h = hash::sha1_hex(std::string(domain));
  std::string upper;
  for (const char c : h.substr(0, 32)) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.substr(0, 8) + "-" + upper.substr(8, 4) + "-" + upper.substr(12, 4) + "-" + upper.substr(16, 4) + "-" +
         upper.substr(20, 12);
}

std::optional<std::string> logical_place(std::string_view domain, std::string_view path) {
  auto folder = sources::ios_paths::domain_folder(domain);
  if (!folder) return std::nullopt;
  if (const auto star = folder->find('*'); star != std::string::npos)
    folder->replace(star, 1, container_folder(domain));
  return *folder + std::string(path);
}

std::vector<std::uint8_t> file_bytes(const FixtureCase& fixture, const Json& file) {
  std::string data;
  if (file.contains("sql")) {
    auto image = testing::sqlite_from_script(read_file(fixture.directory / file["sql"].get<std::string>()));
    if (!image) throw std::runtime_error(image.error().describe());
    data = *image;
  } else if (file.contains("plist")) {
    const auto format = file.value("format", "binary") == "xml" ? plist::Format::kXml : plist::Format::kBinary;
    auto bytes = plist::serialize(plist_from_json(file["plist"]), format);
    if (!bytes) throw std::runtime_error("fixture plist: " + bytes.error().describe());
    return *bytes;
  } else if (file.contains("content_hex")) {
    return hex_bytes(file["content_hex"].get<std::string>());
  } else {
    data = file.value("content", "");
  }
  return {data.begin(), data.end()};
}

}  // namespace

Json run_fixture_case(const FixtureCase& fixture) {
  TempDir temp;
  const fs::path root = temp / "backup";
  build_backup_from_spec(fixture, root);
  const ioc::IndicatorSet indicators = case_indicators(fixture, temp.path());

  const Json& backup_spec = fixture.spec.at("backup");
  std::optional<sources::BackupSecret> secret;
  if (backup_spec.value("encrypted", false)) {
    secret = sources::BackupSecret::from_password(backup_spec.value("password", testing::kDefaultBackupPassword));
  }
  auto backup = sources::IosBackup::open(root, secret ? &*secret : nullptr);
  if (!backup) return Json{{"open_error", backup.error().message}};
  const sources::IosBackupSource source(*backup);
  return run_on_source(fixture, source, indicators);
}

Json run_fixture_on_source(const FixtureCase& fixture, const sources::Source& source) {
  TempDir temp;
  return run_on_source(fixture, source, case_indicators(fixture, temp.path()));
}

std::string to_string(TwinShape shape) {
  switch (shape) {
    case TwinShape::kFolder: return "folder";
    case TwinShape::kWrappedFolder: return "wrapped_folder";
    case TwinShape::kTarGz: return "tar_gz";
    case TwinShape::kZip: return "zip";
    case TwinShape::kZipInZip: return "zip_in_zip";
  }
  return "?";
}

bool has_filesystem_twin(const FixtureCase& fixture) {
  // These read what only a backup has (Info.plist, Manifest.db).
  for (const char* id : {"ios.backup_info", "ios.applications", "ios.manifest"}) {
    if (fixture.module_id == id) return false;
  }
  if (!fixture.spec.contains("backup")) return false;
  const Json& spec = fixture.spec["backup"];
  for (const auto& step : spec.value("after", Json::array())) {
    if (!step.contains("blob_of")) return false;
  }
  for (const auto& file : spec.value("files", Json::array())) {
    if (file.contains("raw_metadata_hex")) return false;
    if (!logical_place(file.at("domain").get<std::string>(), file.at("path").get<std::string>())) return false;
  }
  return true;
}

std::vector<std::pair<std::string, std::string>> build_tree_from_spec(const FixtureCase& fixture,
                                                                      const fs::path& root) {
  const Json& spec = fixture.spec.at("backup");
  std::vector<std::pair<std::string, std::string>> names;
  fs::create_directories(root);
  for (const auto& file : spec.value("files", Json::array())) {
    const std::string domain = file.at("domain");
    const std::string path = file.at("path");
    const auto place = logical_place(domain, path);
    if (!place) throw std::runtime_error("no filesystem place for " + domain);
    names.emplace_back(domain + "/" + path, *place);
    const auto id = sources::IosBackup::file_id(domain, path);
    names.emplace_back(id.substr(0, 2) + "/" + id, *place);
    if (file.value("directory", false)) {
      fs::create_directories(root / *place);
      continue;
    }
    fs::create_directories((root / *place).parent_path());
    const auto bytes = file_bytes(fixture, file);
    write_file(root / *place, std::string(bytes.begin(), bytes.end()));
  }
  for (const auto& step : spec.value("after", Json::array())) {
    if (!step.contains("blob_of")) continue;
    const auto place =
        logical_place(step["blob_of"].at("domain").get<std::string>(), step["blob_of"].at("path").get<std::string>());
    std::string data = read_file(root / *place);
    damage(data, step);
    write_file(root / *place, data);
  }
  return names;
}

namespace {

struct ArchiveWriteDeleter {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryDeleter {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

void write_archive(const fs::path& file, ArchiveFormat format, const std::vector<ArchiveMember>& members) {
  std::unique_ptr<archive, ArchiveWriteDeleter> writer(archive_write_new());
  if (format == ArchiveFormat::kZip) {
    archive_write_set_format_zip(writer.get());
  } else {
    archive_write_set_format_pax_restricted(writer.get());
    if (format == ArchiveFormat::kTarGz) archive_write_add_filter_gzip(writer.get());
  }
  if (archive_write_open_filename(writer.get(), file.c_str()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("archive: ") + archive_error_string(writer.get()));
  }
  for (const auto& m : members) {
    std::unique_ptr<archive_entry, EntryDeleter> entry(archive_entry_new());
    archive_entry_set_pathname(entry.get(), m.name.c_str());
    archive_entry_set_mtime(entry.get(), 1700000000, 0);
    switch (m.type) {
      case ArchiveMember::Type::kFile:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_size(entry.get(), static_cast<la_int64_t>(m.content.size()));
        break;
      case ArchiveMember::Type::kDirectory:
        archive_entry_set_filetype(entry.get(), AE_IFDIR);
        archive_entry_set_perm(entry.get(), 0755);
        break;
      case ArchiveMember::Type::kSymlink:
        archive_entry_set_filetype(entry.get(), AE_IFLNK);
        archive_entry_set_perm(entry.get(), 0777);
        archive_entry_set_symlink(entry.get(), m.target.c_str());
        break;
      case ArchiveMember::Type::kHardlink:
        archive_entry_set_filetype(entry.get(), AE_IFREG);
        archive_entry_set_perm(entry.get(), 0644);
        archive_entry_set_hardlink(entry.get(), m.target.c_str());
        break;
      case ArchiveMember::Type::kFifo:
        archive_entry_set_filetype(entry.get(), AE_IFIFO);
        archive_entry_set_perm(entry.get(), 0644);
        break;
    }
    if (archive_write_header(writer.get(), entry.get()) != ARCHIVE_OK) {
      throw std::runtime_error(std::string("archive header: ") + archive_error_string(writer.get()));
    }
    if (m.type == ArchiveMember::Type::kFile && !m.content.empty()) {
      archive_write_data(writer.get(), m.content.data(), m.content.size());
    }
  }
  if (archive_write_close(writer.get()) != ARCHIVE_OK) {
    throw std::runtime_error(std::string("archive close: ") + archive_error_string(writer.get()));
  }
}

std::vector<ArchiveMember> tree_members(const fs::path& root, const std::string& prefix) {
  std::vector<ArchiveMember> members;
  std::vector<fs::path> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root)) paths.push_back(entry.path());
  std::sort(paths.begin(), paths.end());
  for (const auto& path : paths) {
    const std::string name = prefix + fs::relative(path, root).generic_string();
    if (fs::is_directory(fs::symlink_status(path))) {
      members.push_back({name + "/", "", ArchiveMember::Type::kDirectory, ""});
    } else if (fs::is_regular_file(fs::symlink_status(path))) {
      members.push_back({name, read_file(path), ArchiveMember::Type::kFile, ""});
    }
  }
  return members;
}

Json run_fixture_twin(const FixtureCase& fixture, TwinShape shape,
                      std::vector<std::pair<std::string, std::string>>* provenance) {
  TempDir temp;
  const fs::path tree = temp / "tree";
  const fs::path wrapped = shape == TwinShape::kWrappedFolder ? tree / "filesystem1" : tree;
  auto names = build_tree_from_spec(fixture, wrapped);
  if (provenance != nullptr) *provenance = names;
  const ioc::IndicatorSet indicators = case_indicators(fixture, temp.path());
  const EvidenceGuard guard({tree});
  switch (shape) {
    case TwinShape::kFolder:
    case TwinShape::kWrappedFolder: {
      auto source = sources::DirectorySource::open(tree);
      if (!source) return Json{{"open_error", source.error().message}};
      return run_on_source(fixture, **source, indicators);
    }
    case TwinShape::kTarGz:
    case TwinShape::kZip:
    case TwinShape::kZipInZip: {
      const fs::path file = temp / (shape == TwinShape::kTarGz ? "dump.tar.gz" : "dump.zip");
      if (shape == TwinShape::kZipInZip) {
        // The dump as a tar.gz inside a zip, as acquisitions are sometimes handed over.
        const fs::path inner = temp / "inner.tar.gz";
        write_archive(inner, ArchiveFormat::kTarGz, tree_members(tree, "./"));
        write_archive(file, ArchiveFormat::kZip,
                      {{"acquisition/dump.tar.gz", read_file(inner), ArchiveMember::Type::kFile, ""}});
      } else {
        write_archive(file, shape == TwinShape::kTarGz ? ArchiveFormat::kTarGz : ArchiveFormat::kZip,
                      tree_members(tree, shape == TwinShape::kTarGz ? "./" : ""));
      }
      const EvidenceGuard archive_guard({file});
      auto source = sources::ArchiveSource::open(file);
      if (!source) return Json{{"open_error", source.error().message}};
      return run_on_source(fixture, **source, indicators);
    }
  }
  return Json{};
}

std::optional<FixtureCase> case_with_role(const std::string& module_id, std::string_view role) {
  for (auto& fixture : fixture_cases(module_id)) {
    if (fixture.spec.value("role", "") == role) return std::move(fixture);
  }
  return std::nullopt;
}

namespace {

// fnmatch-style: '*' matches any run of characters.
bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) return text.empty();
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(1), text.substr(i))) return true;
    }
    return false;
  }
  return !text.empty() && pattern.front() == text.front() && glob_match(pattern.substr(1), text.substr(1));
}

bool locates(const ModuleDescriptor& descriptor, const std::string& domain, const std::string& path) {
  return std::any_of(descriptor.locations.begin(), descriptor.locations.end(), [&](const ArtifactLocation& l) {
    return !l.relative_path.empty() && (l.domain.empty() || l.domain == domain) && glob_match(l.relative_path, path);
  });
}

}  // namespace

AssembledCases assemble_role_cases(std::string_view role) {
  AssembledCases out;
  std::vector<const ModuleDescriptor*> modules;
  for (const auto& entry : module_registry()) {
    const ModuleDescriptor& descriptor = entry.descriptor();
    auto fixture = case_with_role(std::string(descriptor.id), role);
    if (!fixture) continue;
    out.cases.push_back(std::move(*fixture));
    modules.push_back(&descriptor);
  }
  // Owner of each (domain, path): the first module that locates it, else the first case that carries it.
  std::map<std::pair<std::string, std::string>, std::size_t> owner;
  for (std::size_t pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < out.cases.size(); ++i) {
      const Json backup = out.cases[i].spec.value("backup", Json::object());
      const Json files = backup.value("files", Json::array());
      for (const auto& file : files) {
        const std::string domain = file.at("domain");
        const std::string path = file.at("path");
        if (pass == 0 && !locates(*modules[i], domain, path)) continue;
        owner.emplace(std::pair{domain, path}, i);
      }
    }
  }
  Json files = Json::array();
  Json info = Json::object();
  for (std::size_t i = 0; i < out.cases.size(); ++i) {
    const FixtureCase& fixture = out.cases[i];
    const Json case_iocs = fixture.spec.value("iocs", Json::array());
    for (const auto& file : case_iocs) out.iocs.insert(file.get<std::string>());
    const Json backup = fixture.spec.value("backup", Json::object());
    const Json case_info = backup.value("info", Json::object());
    for (const auto& [key, value] : case_info.items()) info[key] = value;
    const Json case_files = backup.value("files", Json::array());
    for (Json file : case_files) {
      if (owner.at({file.at("domain").get<std::string>(), file.at("path").get<std::string>()}) != i) continue;
      if (file.contains("sql")) file["sql"] = (fixture.directory / file["sql"].get<std::string>()).string();
      files.push_back(std::move(file));
    }
  }
  out.spec = Json{{"description", "every module's " + std::string(role) + " case in one backup"},
                  {"backup", {{"info", info}, {"files", files}}}};
  return out;
}

}  // namespace lumiere::test
