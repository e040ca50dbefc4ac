#include "framework/registry.hpp"

#include <array>

#include "modules/ios/ios_modules.hpp"

namespace lumiere {
namespace {

// MVT's check-backup order (spec §3.0); modules land here as they are built.
constexpr std::array kRegistry{
    RegistryEntry{&modules::ios::backup_info_descriptor, &modules::ios::make_backup_info},
    RegistryEntry{&modules::ios::configuration_profiles_descriptor, &modules::ios::make_configuration_profiles},
    RegistryEntry{&modules::ios::manifest_descriptor, &modules::ios::make_manifest},
    RegistryEntry{&modules::ios::profile_events_descriptor, &modules::ios::make_profile_events},
    RegistryEntry{&modules::ios::calls_descriptor, &modules::ios::make_calls},
    RegistryEntry{&modules::ios::chrome_favicon_descriptor, &modules::ios::make_chrome_favicon},
    RegistryEntry{&modules::ios::chrome_history_descriptor, &modules::ios::make_chrome_history},
    RegistryEntry{&modules::ios::contacts_descriptor, &modules::ios::make_contacts},
    RegistryEntry{&modules::ios::firefox_favicon_descriptor, &modules::ios::make_firefox_favicon},
    RegistryEntry{&modules::ios::firefox_history_descriptor, &modules::ios::make_firefox_history},
    RegistryEntry{&modules::ios::id_status_cache_descriptor, &modules::ios::make_id_status_cache},
    RegistryEntry{&modules::ios::locationd_clients_descriptor, &modules::ios::make_locationd_clients},
    RegistryEntry{&modules::ios::os_analytics_ad_daily_descriptor, &modules::ios::make_os_analytics_ad_daily},
    RegistryEntry{&modules::ios::datausage_descriptor, &modules::ios::make_datausage},
    RegistryEntry{&modules::ios::safari_browser_state_descriptor, &modules::ios::make_safari_browser_state},
    RegistryEntry{&modules::ios::safari_history_descriptor, &modules::ios::make_safari_history},
    RegistryEntry{&modules::ios::tcc_descriptor, &modules::ios::make_tcc},
    RegistryEntry{&modules::ios::sms_descriptor, &modules::ios::make_sms},
    RegistryEntry{&modules::ios::sms_attachments_descriptor, &modules::ios::make_sms_attachments},
    RegistryEntry{&modules::ios::webkit_resource_load_statistics_descriptor,
                  &modules::ios::make_webkit_resource_load_statistics},
    RegistryEntry{&modules::ios::webkit_session_resource_log_descriptor,
                  &modules::ios::make_webkit_session_resource_log},
    RegistryEntry{&modules::ios::whatsapp_descriptor, &modules::ios::make_whatsapp},
    RegistryEntry{&modules::ios::whatsapp_contacts_descriptor, &modules::ios::make_whatsapp_contacts},
    RegistryEntry{&modules::ios::interaction_c_descriptor, &modules::ios::make_interaction_c},
    RegistryEntry{&modules::ios::shortcuts_descriptor, &modules::ios::make_shortcuts},
    RegistryEntry{&modules::ios::applications_descriptor, &modules::ios::make_applications},
    RegistryEntry{&modules::ios::calendar_descriptor, &modules::ios::make_calendar},
    RegistryEntry{&modules::ios::global_preferences_descriptor, &modules::ios::make_global_preferences},
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
