#include "framework/registry.hpp"

#include <array>

#include "modules/ios/ios_modules.hpp"

namespace lumiere {
namespace {

// MVT's check-backup order (spec §3.0); modules land here as they are built.
constexpr std::array kRegistry{
    RegistryEntry{&modules::ios::backup_info_descriptor, &modules::ios::make_backup_info},
    RegistryEntry{&modules::ios::manifest_descriptor, &modules::ios::make_manifest},
    RegistryEntry{&modules::ios::chrome_favicon_descriptor, &modules::ios::make_chrome_favicon},
    RegistryEntry{&modules::ios::chrome_history_descriptor, &modules::ios::make_chrome_history},
    RegistryEntry{&modules::ios::firefox_favicon_descriptor, &modules::ios::make_firefox_favicon},
    RegistryEntry{&modules::ios::firefox_history_descriptor, &modules::ios::make_firefox_history},
    RegistryEntry{&modules::ios::safari_browser_state_descriptor, &modules::ios::make_safari_browser_state},
    RegistryEntry{&modules::ios::safari_history_descriptor, &modules::ios::make_safari_history},
    RegistryEntry{&modules::ios::webkit_resource_load_statistics_descriptor,
                  &modules::ios::make_webkit_resource_load_statistics},
    RegistryEntry{&modules::ios::webkit_session_resource_log_descriptor,
                  &modules::ios::make_webkit_session_resource_log},
};

}  // namespace

std::span<const RegistryEntry> module_registry() {
  return kRegistry;
}

const RegistryEntry* find_module(std::span<const RegistryEntry> registry, std::string_view name) {
  for (const auto& entry : registry) {
    const auto& d = entry.descriptor();
    if (d.slug == name || d.id == name || d.mvt_class == name) return &entry;
  }
  return nullptr;
}

}  // namespace lumiere
