#include "framework/registry.hpp"

#include <array>

namespace lumiere {

// Each module's two entry points, defined in its own file (src/modules/<os>/<slug>.cpp).
namespace modules::ios {
const ModuleDescriptor& backup_info_descriptor();
std::unique_ptr<Module> make_backup_info();

const ModuleDescriptor& configuration_profiles_descriptor();
std::unique_ptr<Module> make_configuration_profiles();

const ModuleDescriptor& manifest_descriptor();
std::unique_ptr<Module> make_manifest();

const ModuleDescriptor& profile_events_descriptor();
std::unique_ptr<Module> make_profile_events();

const ModuleDescriptor& calls_descriptor();
std::unique_ptr<Module> make_calls();

const ModuleDescriptor& chrome_favicon_descriptor();
std::unique_ptr<Module> make_chrome_favicon();

const ModuleDescriptor& chrome_history_descriptor();
std::unique_ptr<Module> make_chrome_history();

const ModuleDescriptor& contacts_descriptor();
std::unique_ptr<Module> make_contacts();

const ModuleDescriptor& firefox_favicon_descriptor();
std::unique_ptr<Module> make_firefox_favicon();

const ModuleDescriptor& firefox_history_descriptor();
std::unique_ptr<Module> make_firefox_history();

const ModuleDescriptor& id_status_cache_descriptor();
std::unique_ptr<Module> make_id_status_cache();

const ModuleDescriptor& locationd_clients_descriptor();
std::unique_ptr<Module> make_locationd_clients();

const ModuleDescriptor& os_analytics_ad_daily_descriptor();
std::unique_ptr<Module> make_os_analytics_ad_daily();

const ModuleDescriptor& datausage_descriptor();
std::unique_ptr<Module> make_datausage();

const ModuleDescriptor& safari_browser_state_descriptor();
std::unique_ptr<Module> make_safari_browser_state();

const ModuleDescriptor& safari_history_descriptor();
std::unique_ptr<Module> make_safari_history();

const ModuleDescriptor& tcc_descriptor();
std::unique_ptr<Module> make_tcc();

const ModuleDescriptor& sms_descriptor();
std::unique_ptr<Module> make_sms();

const ModuleDescriptor& sms_attachments_descriptor();
std::unique_ptr<Module> make_sms_attachments();

const ModuleDescriptor& webkit_resource_load_statistics_descriptor();
std::unique_ptr<Module> make_webkit_resource_load_statistics();

const ModuleDescriptor& webkit_session_resource_log_descriptor();
std::unique_ptr<Module> make_webkit_session_resource_log();

const ModuleDescriptor& whatsapp_descriptor();
std::unique_ptr<Module> make_whatsapp();

const ModuleDescriptor& whatsapp_contacts_descriptor();
std::unique_ptr<Module> make_whatsapp_contacts();

const ModuleDescriptor& interaction_c_descriptor();
std::unique_ptr<Module> make_interaction_c();

const ModuleDescriptor& shortcuts_descriptor();
std::unique_ptr<Module> make_shortcuts();

const ModuleDescriptor& applications_descriptor();
std::unique_ptr<Module> make_applications();

const ModuleDescriptor& calendar_descriptor();
std::unique_ptr<Module> make_calendar();

const ModuleDescriptor& global_preferences_descriptor();
std::unique_ptr<Module> make_global_preferences();
}  // namespace modules::ios

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
