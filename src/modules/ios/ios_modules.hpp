// Descriptors and factories of the iOS modules, listed in src/framework/registry.cpp.
#pragma once

#include <memory>

#include "framework/module.hpp"

namespace lumiere::modules::ios {

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

}  // namespace lumiere::modules::ios
