// Artifact: Safari's BrowserState.db (open tabs; Library/Safari/BrowserState.db and, with Safari profiles,
// Library/Safari/Profiles/*/BrowserState.db). iOS 12+ keeps each tab's back/forward list in
// tab_sessions.session_data (4-byte header + binary plist); older iOS has only the tabs table.
#include "modules/ios/safari_browser_state.hpp"

#include <fmt/core.h>

#include <array>

#include "core/plist.hpp"
#include "core/time.hpp"
#include "modules/ios/common.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& safari_browser_state_descriptor();  // below; listed in src/framework/registry.cpp

namespace {

constexpr std::size_t kSessionHeaderBytes = 4;

Json tab_json(const SafariTab& t) {
  Json j = Json::object();
  j["tab_title"] = json_text(t.tab_title);
  j["tab_url"] = json_text(t.tab_url);
  j["tab_visible_url"] = json_text(t.tab_visible_url);
  j["last_viewed_timestamp"] = timeconv::mac_to_iso(t.last_viewed_time);
  Json entries = Json::array();
  for (const auto& e : t.session_data) {
    Json entry = Json::object();
    entry["entry_title"] = json_text(e.entry_title);
    entry["entry_url"] = json_text(e.entry_url);
    entry["data_length"] = e.data_length;
    entries.push_back(std::move(entry));
  }
  j["session_data"] = std::move(entries);
  j["safari_browser_state_db"] = json_text(t.safari_browser_state_db);
  return j;
}

std::string string_of(const plist::Value& dict, std::string_view key) {
  const auto* text = dict.find_string(key);
  return text != nullptr ? *text : std::string();
}

class SafariBrowserState final : public RecordModule<SafariTab> {
 public:
  [[nodiscard]] const ModuleDescriptor& descriptor() const override { return safari_browser_state_descriptor(); }

 protected:
  [[nodiscard]] Result<std::vector<SafariTab>> extract(ModuleContext& ctx) const override {
    auto tabs = extract_each_artifact<SafariTab>(ctx, [&ctx](const sources::BackupFile& file) {
      std::vector<std::string> bad_sessions;
      auto rows =
          parse_artifact_database<std::vector<SafariTab>>(ctx, file, [&bad_sessions](const sqlite::Database& db) {
            bad_sessions.clear();
            return parse_browser_state(db, &bad_sessions);
          });
      if (!rows) return rows;
      for (const auto& problem : bad_sessions) ctx.warn(WarningKind::kCorrupt, file.provenance(), problem);
      for (auto& t : *rows) t.safari_browser_state_db = file.stored_path();
      return rows;
    });
    if (!tabs) return tabs;
    ctx.log().info(ctx.logger_name(), fmt::format("Extracted a total of {} tab records", tabs->size()));
    return tabs;
  }

  [[nodiscard]] Json to_json(const SafariTab& t) const override { return tab_json(t); }

  [[nodiscard]] std::optional<SafariTab> from_json(const Json& stored) const override {
    if (!stored.is_object() || !stored.contains("tab_url")) return std::nullopt;
    SafariTab t;
    t.tab_title = stored.value("tab_title", "");
    t.tab_url = stored.value("tab_url", "");
    t.tab_visible_url = stored.value("tab_visible_url", "");
    if (const auto it = stored.find("session_data"); it != stored.end() && it->is_array()) {
      for (const auto& e : *it) {
        if (!e.is_object()) continue;
        t.session_data.push_back(SessionEntry{e.value("entry_title", ""), e.value("entry_url", ""),
                                              e.value("data_length", std::int64_t{0})});
      }
    }
    t.safari_browser_state_db = stored.value("safari_browser_state_db", "");
    t.provenance = t.safari_browser_state_db;
    return t;
  }

  void check(ModuleContext& ctx, const SafariTab& t, const Json& json) const override {
    const auto* iocs = ctx.indicators();
    if (iocs == nullptr) return;
    if (auto match = iocs->match_url(t.tab_url)) {
      ctx.alert(AlertLevel::kCritical, *match, "", json, t.provenance);
      return;
    }
    for (const auto& entry : t.session_data) {
      if (auto match = iocs->match_url(entry.entry_url)) {
        ctx.alert(AlertLevel::kCritical, *match, "", json, t.provenance);
      }
    }
  }

  void timeline(ModuleContext& ctx, const SafariTab& t) const override {
    ctx.timeline(timeconv::mac_to_iso(t.last_viewed_time), "tab",
                 fmt::format("{} - {}", utf8_backslashreplace(t.tab_title), utf8_backslashreplace(t.tab_url)));
  }
};

}  // namespace

Result<std::vector<SessionEntry>> parse_session_data(std::span<const std::uint8_t> blob) {
  if (blob.size() <= kSessionHeaderBytes) return unexpected(ErrorCode::kParse, "session data too short");
  auto root = plist::parse(blob.subspan(kSessionHeaderBytes));
  if (!root) return std::move(root).error();
  std::vector<SessionEntry> out;
  const plist::Value* history = root->find("SessionHistory");
  const plist::Value* entries = history != nullptr ? history->find("SessionHistoryEntries") : nullptr;
  if (entries == nullptr) return out;
  const auto* list = entries->get_if<plist::Array>();
  if (list == nullptr) return unexpected(ErrorCode::kParse, "SessionHistoryEntries is not an array");
  for (const auto& item : *list) {
    SessionEntry e;
    e.entry_title = string_of(item, "SessionHistoryEntryOriginalURL");
    e.entry_url = string_of(item, "SessionHistoryEntryURL");
    if (const auto* data = item.find("SessionHistoryEntryData")) {
      if (const auto* bytes = data->get_if<plist::Bytes>()) e.data_length = static_cast<std::int64_t>(bytes->size());
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<SafariTab>> parse_browser_state(const sqlite::Database& db, std::vector<std::string>* bad_sessions) {
  auto tabs = table_columns(db, "tabs");
  if (!tabs) return std::move(tabs).error();
  if (!tabs->has("url")) return unsupported_schema(db, "table tabs has no column url");
  // The tab's URL is what the indicators are matched on; the rest is null where a schema lacks it.
  static constexpr std::array<std::string_view, 4> kTabOptional{"uuid", "title", "user_visible_url",
                                                                "last_viewed_time"};
  auto shadow = null_missing_columns(db, {{"tabs", kTabOptional}});
  if (!shadow) return std::move(shadow).error();
  auto sessions = table_columns(db, "tab_sessions");
  if (!sessions) return std::move(sessions).error();
  const bool with_sessions = tabs->has("uuid") && sessions->has_all({"tab_uuid", "session_data"});
  auto stmt = db.prepare(
      *shadow + (with_sessions
                     ? "SELECT tabs.title AS title, tabs.url AS url, tabs.user_visible_url AS user_visible_url, "
                       "tabs.last_viewed_time AS last_viewed_time, tab_sessions.session_data AS session_data "
                       "FROM tabs JOIN tab_sessions ON tabs.uuid = tab_sessions.tab_uuid ORDER BY tabs.last_viewed_time"
                     : "SELECT title, url, user_visible_url, last_viewed_time, NULL AS session_data FROM tabs "
                       "ORDER BY last_viewed_time"));
  if (!stmt) return std::move(stmt).error();
  std::vector<SafariTab> out;
  auto ok = sqlite::for_each_row(*stmt, [&](const sqlite::Statement& row) {
    SafariTab t;
    t.tab_title = row.text("title");
    t.tab_url = row.text("url");
    t.tab_visible_url = row.text("user_visible_url");
    t.last_viewed_time = row.real("last_viewed_time");
    if (!row.is_null("session_data")) {
      const auto blob = row.blob("session_data");
      auto entries = parse_session_data(blob);
      if (entries) {
        t.session_data = std::move(*entries);
      } else if (bad_sessions != nullptr) {
        bad_sessions->push_back(
            fmt::format("the saved session of tab \"{}\" could not be decoded ({}): its "
                        "back/forward list is not analysed",
                        utf8_backslashreplace(t.tab_url), entries.error().message));
      }
    }
    out.push_back(std::move(t));
  });
  if (!ok) return std::move(ok).error();
  return out;
}

const ModuleDescriptor& safari_browser_state_descriptor() {
  static const ModuleDescriptor kDescriptor{
      .id = "ios.safari_browser_state",
      .slug = "safari_browser_state",
      .mvt_class = "SafariBrowserState",
      .description =
          "Safari's open tabs and their back/forward lists (BrowserState.db, every profile), checked "
          "against URL and domain indicators",
      .sources = {SourceKind::kIosBackup},
      .locations = {{.domain = "", .relative_path = "Library/Safari/BrowserState.db", .fs_glob = ""},
                    {.domain = "", .relative_path = "Library/Safari/Profiles/*/BrowserState.db", .fs_glob = ""}},
      .timestamp_fields = {"last_viewed_timestamp"},
      .dependencies = {},
      .shape = ResultsShape::kList,
      .evidence = &evidence::kBrowsing,
      .parse = {.sqlite = [](const sqlite::Database& db) -> Result<std::size_t> {
        std::vector<std::string> bad_sessions;
        auto tabs = parse_browser_state(db, &bad_sessions);
        if (!tabs) return std::move(tabs).error();
        return tabs->size();
      }},
  };
  return kDescriptor;
}

std::unique_ptr<Module> make_safari_browser_state() {
  return std::make_unique<SafariBrowserState>();
}

}  // namespace lumiere::modules::ios
