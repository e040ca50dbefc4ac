// Descriptors and factories of the iOS modules, listed in src/framework/registry.cpp.
#pragma once

#include <memory>

#include "framework/module.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& backup_info_descriptor();
std::unique_ptr<Module> make_backup_info();

const ModuleDescriptor& manifest_descriptor();
std::unique_ptr<Module> make_manifest();

const ModuleDescriptor& chrome_favicon_descriptor();
std::unique_ptr<Module> make_chrome_favicon();

const ModuleDescriptor& chrome_history_descriptor();
std::unique_ptr<Module> make_chrome_history();

const ModuleDescriptor& firefox_favicon_descriptor();
std::unique_ptr<Module> make_firefox_favicon();

const ModuleDescriptor& firefox_history_descriptor();
std::unique_ptr<Module> make_firefox_history();

const ModuleDescriptor& safari_browser_state_descriptor();
std::unique_ptr<Module> make_safari_browser_state();

const ModuleDescriptor& safari_history_descriptor();
std::unique_ptr<Module> make_safari_history();

const ModuleDescriptor& webkit_resource_load_statistics_descriptor();
std::unique_ptr<Module> make_webkit_resource_load_statistics();

const ModuleDescriptor& webkit_session_resource_log_descriptor();
std::unique_ptr<Module> make_webkit_session_resource_log();

}  // namespace lumiere::modules::ios
