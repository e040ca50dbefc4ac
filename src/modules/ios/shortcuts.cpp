// Artifact: HomeDomain Library/Shortcuts/Shortcuts.sqlite (Shortcuts app, iOS 12+; Core Data): ZSHORTCUT
// (name, description, creation/modification dates in Mac absolute time) ⟕ ZSHORTCUTACTIONS (ZDATA = binary
// plist array of actions {WFWorkflowActionIdentifier, WFWorkflowActionParameters}). Spec §3.3 Shortcuts.
#include "modules/ios/shortcuts.hpp"

#include <fmt/core.h>
#include <fmt/format.h>

#include "core/json.hpp"
#include "core/plist.hpp"
#include "core/time.hpp"
#include "indicators/links.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& shortcuts_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

std::string mac_column_iso(const sqlite::Statement& stmt, std::string_view name) {
  const int column = stmt.index(name);
  switch (stmt.type(column)) {
    case SQLITE_INTEGER: return timeconv::mac_to_iso(stmt.integer(column));
    case SQLITE_FLOAT: return timeconv::mac_to_iso(stmt.real(column));
    default: return "";
  }
}

// Every string value of a plist tree, depth first in file order.
void collect_strings(const plist::Value& value, std::vector<const std::string*>& out) {
  if (const auto* text = value.get_if<std::string>()) {
    out.push_back(text);
  } else if (const auto* array = value.get_if<plist::Array>()) {
    for (const auto& item : *array) collect_strings(item, out);
  } else if (const auto* dict = value.get_if<plist::Dict>()) {
    for (const auto& [key, item] : *dict) collect_strings(item, out);
  }
}

Json optional_text_json(const std::optional<std::string>& value) {
  return value ? json_text(*value) : Json(nullptr);
}

class Shortcuts final : public RecordModule<ShortcutRecord> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return shortcuts_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<ShortcutRecord>> extract(ModuleContext& ctx) const override {
    auto records = extract_each_database<ShortcutRecord>(ctx, parse_shortcuts);
    if (!records) return records;
    for (const auto& r : *records) {
      if (!r.actions_error.empty()) {
        ctx.warn(WarningKind::kCorrupt, r.provenance,
                 fmt::format("actions of shortcut {} could not be decoded: {}", r.shortcut_id, r.actions_error));
      }
    }
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted {} shortcuts", records->size()));
    return records;
  }

  [[nodiscard]] Json to_json(const ShortcutRecord& r) const override {
    Json j = Json::object();
    j["shortcut_id"] = r.shortcut_id;
    j["shortcut_name"] = optional_text_json(r.shortcut_name);
    j["isodate"] = r.isodate;
    j["modified_date"] = r.modified_date;
    j["description"] = optional_text_json(r.description);
    j["parsed_actions"] = r.parsed_actions;
    Json urls = Json::array();
    for (const auto& url : r.action_urls) urls.push_back(json_text(url));
    j["action_urls"] = std::move(urls);
    return j;
  }

  [[nodiscard]] std::optional<ShortcutRecord> from_json(const Json& stored) const override {
    if (!stored.is_object()) return std::nullopt;
    ShortcutRecord r;
    if (auto it = stored.find("action_urls"); it != stored.end() && it->is_array()) {
      for (const auto& url : *it) {
        if (url.is_string()) r.action_urls.push_back(url.get<std::string>());
      }
    }
    return r;
  }

  void check(ModuleContext& ctx, const ShortcutRecord& r, const Json& json) const override {
    check_links(ctx, r.action_urls, AlertLevel::kCritical, "", json, r.provenance);
  }

  void timeline(ModuleContext& ctx, const ShortcutRecord& r) const override {
    const std::string data =
        utf8_backslashreplace(fmt::format("iOS Shortcut '{}': {} - URLs in actions: {}", r.shortcut_name.value_or(""),
                                          r.description.value_or(""), fmt::join(r.action_urls, ", ")));
    ctx.timeline(r.isodate, "shortcut_created", data);
    ctx.timeline(r.modified_date, "shortcut_modified", data);
  }
};

}  // namespace

Result<std::vector<std::string>> shortcut_action_urls(const std::vector<std::uint8_t>& data,
                                                      std::int64_t& parsed_actions) {
  parsed_actions = 0;
  auto actions = plist::parse(data, "ZSHORTCUTACTIONS.ZDATA");
  if (!actions) return std::move(actions).error();
  const auto* list = actions->get_if<plist::Array>();
  if (list == nullptr) return unexpected(ErrorCode::kParse, "ZDATA is not a list of actions");
  std::vector<std::string> urls;
  for (const auto& action : *list) {
    const plist::Value* parameters = action.find("WFWorkflowActionParameters");
    if (!action.is<plist::Dict>()) continue;
    ++parsed_actions;
    if (parameters == nullptr) continue;
    std::vector<const std::string*> strings;
    collect_strings(*parameters, strings);
    for (const auto* text : strings) {
      for (auto& link : ioc::extract_links(*text)) {
        // MVT extracts links from the Python text of the parameters, where a value ends with "'," .
        while (!link.empty() && (link.back() == '\'' || link.back() == ',')) link.pop_back();
        urls.push_back(std::move(link));
      }
    }
  }
  return urls;
}

Result<std::vector<ShortcutRecord>> parse_shortcuts(const sqlite::Database& db) {
  auto shortcut = table_columns(db, "ZSHORTCUT");
  if (!shortcut) return std::move(shortcut).error();
  if (!shortcut->exists()) return unsupported_schema(db, "no table ZSHORTCUT");
  if (!shortcut->has("Z_PK")) return unsupported_schema(db, "table ZSHORTCUT has no column Z_PK");
  // The shortcut's name, dates and description are null where a build lacks them; its actions carry the links.
  static constexpr std::array<std::string_view, 4> kOptional{"ZNAME", "ZCREATIONDATE", "ZMODIFICATIONDATE",
                                                             "ZACTIONSDESCRIPTION"};
  auto shadow = null_missing_columns(db, {{"ZSHORTCUT", kOptional}});
  if (!shadow) return std::move(shadow).error();
  auto actions = table_columns(db, "ZSHORTCUTACTIONS");
  if (!actions) return std::move(actions).error();
  const bool has_actions = actions->has_all({"ZSHORTCUT", "ZDATA"});
  const std::string sql =
      *shadow + (has_actions
                     ? "SELECT ZSHORTCUT.Z_PK AS shortcut_id, ZSHORTCUT.ZNAME AS shortcut_name, "
                       "ZSHORTCUT.ZCREATIONDATE AS created_date, ZSHORTCUT.ZMODIFICATIONDATE AS modified_date, "
                       "ZSHORTCUT.ZACTIONSDESCRIPTION AS description, ZSHORTCUTACTIONS.ZDATA AS action_data "
                       "FROM ZSHORTCUT LEFT JOIN ZSHORTCUTACTIONS ON ZSHORTCUTACTIONS.ZSHORTCUT = ZSHORTCUT.Z_PK "
                       "ORDER BY ZSHORTCUT.Z_PK, ZSHORTCUTACTIONS.Z_PK"
                     : "SELECT Z_PK AS shortcut_id, ZNAME AS shortcut_name, ZCREATIONDATE AS created_date, "
                       "ZMODIFICATIONDATE AS modified_date, ZACTIONSDESCRIPTION AS description, "
                       "NULL AS action_data FROM ZSHORTCUT ORDER BY Z_PK");
  auto stmt = db.prepare(sql);
  if (!stmt) return std::move(stmt).error();
  std::vector<ShortcutRecord> records;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    ShortcutRecord r;
    r.shortcut_id = row.integer("shortcut_id");
    r.shortcut_name = row.optional_text("shortcut_name");
    r.isodate = mac_column_iso(row, "created_date");
    r.modified_date = mac_column_iso(row, "modified_date");
    r.description = row.optional_text("description");
    if (!row.is_null("action_data")) {
      auto urls = shortcut_action_urls(row.blob("action_data"), r.parsed_actions);
      if (urls) {
        r.action_urls = std::move(*urls);
      } else {
        r.actions_error = urls.error().message;
      }
    }
    records.push_back(std::move(r));
  });
  if (!ok) return std::move(ok).error();
  return records;
}

const ModuleDescriptor& shortcuts_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.shortcuts",
      .slug = "shortcuts",
      .mvt_class = "Shortcuts",
      .description = "Shortcuts app automations (Shortcuts.sqlite): names, dates and the URLs their actions open",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "HomeDomain", .relative_path = "Library/Shortcuts/Shortcuts.sqlite", .fs_glob = ""}},
      .timestamp_fields = {"isodate", "modified_date"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kConfiguration,
      .parse = {.sqlite = &parse_entry<&parse_shortcuts, sqlite::Database>},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_shortcuts() {
  return std::make_unique<Shortcuts>();
}

}  // namespace lumiere::modules::ios
