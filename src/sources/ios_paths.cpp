#include "sources/ios_paths.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace lumiere::sources::ios_paths {
namespace {

constexpr std::string_view kApplications = "private/var/mobile/Containers/Data/Application/*/";
constexpr std::string_view kAppGroups = "private/var/mobile/Containers/Shared/AppGroup/*/";

// Fixed domains and their folders (iOS 10+ layout).
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kDomains{{
    {"HomeDomain", "private/var/mobile/"},
    {"RootDomain", "private/var/root/"},
    {"SystemPreferencesDomain", "private/var/preferences/"},
    {"WirelessDomain", "private/var/wireless/"},
    {"MediaDomain", "private/var/mobile/Media/"},
    {"CameraRollDomain", "private/var/mobile/"},
    {"ManagedPreferencesDomain", "private/var/Managed Preferences/"},
    {"KeychainDomain", "private/var/Keychains/"},
    {"DatabaseDomain", "private/var/db/"},
    {"NetworkDomain", "private/var/networkd/"},
    {"InstallDomain", "private/var/installd/"},
    {"MobileDeviceDomain", "private/var/MobileDevice/"},
    {"ProtectedDomain", "private/var/protected/"},
    {"HealthDomain", "private/var/mobile/Library/Health/"},
}};

// Container domains: "<prefix><identifier>" → a folder named by UUID.
constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kContainerDomains{{
    {"AppDomainGroup-", kAppGroups},
    {"AppDomainPlugin-", "private/var/mobile/Containers/Data/PluginKitPlugin/*/"},
    {"AppDomain-", kApplications},
    {"SysContainerDomain-", "private/var/containers/Data/System/*/"},
    {"SysSharedContainerDomain-", "private/var/containers/Shared/SystemGroup/*/"},
}};

struct ModuleGlobs {
  std::string_view slug;
  std::vector<std::string_view> globs;
};

// Spec §3.3, "fs location(s)" column, where it is not the mapped backup location alone.
const std::vector<ModuleGlobs>& module_table() {
  static const std::vector<ModuleGlobs> kTable{
      {"locationd_clients",
       {"private/var/mobile/Library/Caches/locationd/clients.plist",
        "private/var/root/Library/Caches/locationd/clients.plist"}},
      {"firefox_favicon",
       {"private/var/mobile/profile.profile/browser.db",
        "private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db"}},
      {"firefox_history",
       {"private/var/mobile/profile.profile/browser.db",
        "private/var/mobile/Containers/Shared/AppGroup/*/profile.profile/browser.db"}},
      {"safari_browser_state",
       {"private/var/mobile/Library/Safari/BrowserState.db",
        "private/var/mobile/Library/Safari/Profiles/*/BrowserState.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/BrowserState.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/BrowserState.db"}},
      {"safari_history",
       {"private/var/mobile/Library/Safari/History.db", "private/var/mobile/Library/Safari/Profiles/*/History.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/History.db",
        "private/var/mobile/Containers/Data/Application/*/Library/Safari/Profiles/*/History.db"}},
      {"webkit_resource_load_statistics",
       {"private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/"
        "observations.db",
        "private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/"
        "WebsiteData/observations.db"}},
      {"webkit_session_resource_log",
       {"private/var/mobile/Containers/Data/Application/*/SystemData/com.apple.SafariViewService/Library/WebKit/"
        "WebsiteData/full_browsing_session_resourceLog.plist",
        "private/var/mobile/Containers/Data/Application/*/Library/WebKit/WebsiteData/ResourceLoadStatistics/"
        "full_browsing_session_resourceLog.plist",
        "private/var/mobile/Library/WebClips/*/Storage/full_browsing_session_resourceLog.plist"}},
      {"configuration_profiles",
       {"private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/profile-*"}},
      {"profile_events",
       {"private/var/containers/Shared/SystemGroup/*/Library/ConfigurationProfiles/MCProfileEvents.plist",
        "private/var/mobile/Library/ConfigurationProfiles/MCProfileEvents.plist"}},
      {"id_status_cache",
       {"private/var/mobile/Library/Preferences/com.apple.identityservices.idstatuscache.plist",
        "private/var/mobile/Library/IdentityServices/idstatuscache.plist"}},
  };
  return kTable;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::optional<std::string> domain_folder(std::string_view domain) {
  for (const auto& [name, folder] : kDomains) {
    if (domain == name) return std::string(folder);
  }
  for (const auto& [prefix, folder] : kContainerDomains) {
    if (starts_with(domain, prefix) && domain.size() > prefix.size()) return std::string(folder);
  }
  return std::nullopt;
}

std::vector<std::string> location_globs(std::string_view domain, std::string_view relative_path,
                                        std::string_view fs_glob) {
  if (!fs_glob.empty()) return {std::string(fs_glob)};
  if (relative_path.empty()) return {};
  if (domain.empty()) {
    return {std::string(kDomains[0].second) + std::string(relative_path),
            std::string(kApplications) + std::string(relative_path)};
  }
  auto folder = domain_folder(domain);
  if (!folder) return {};
  return {*folder + std::string(relative_path)};
}

std::optional<std::vector<std::string_view>> module_globs(std::string_view module_slug) {
  for (const auto& entry : module_table()) {
    if (entry.slug == module_slug) return entry.globs;
  }
  return std::nullopt;
}

std::optional<DumpRoot> find_dump_root(const std::vector<std::string>& paths) {
  constexpr std::size_t kMaxWrappers = 2;
  std::optional<DumpRoot> best;
  auto consider = [&](std::string prefix, bool var_at_top) {
    const auto depth = static_cast<std::size_t>(std::count(prefix.begin(), prefix.end(), '/'));
    if (depth > kMaxWrappers) return;
    const bool better = !best || prefix.size() < best->prefix.size() ||
                        (prefix.size() == best->prefix.size() && best->var_at_top && !var_at_top);
    if (better) best = DumpRoot{std::move(prefix), var_at_top};
  };
  for (const std::string_view path : paths) {
    if (const auto at = path.find("private/var/"); at != std::string_view::npos) {
      if (at == 0 || path[at - 1] == '/') consider(std::string(path.substr(0, at)), false);
    }
    for (const std::string_view marker : {"var/mobile/", "var/containers/"}) {
      if (const auto at = path.find(marker); at != std::string_view::npos && (at == 0 || path[at - 1] == '/')) {
        const std::string_view before = path.substr(0, at);
        if (!before.ends_with("private/")) consider(std::string(before), true);
      }
    }
  }
  return best;
}

}  // namespace lumiere::sources::ios_paths
