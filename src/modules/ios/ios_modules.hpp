// Descriptors and factories of the iOS modules, listed in src/framework/registry.cpp.
#pragma once

#include <memory>

#include "framework/module.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& backup_info_descriptor();
std::unique_ptr<Module> make_backup_info();

const ModuleDescriptor& manifest_descriptor();
std::unique_ptr<Module> make_manifest();

const ModuleDescriptor& calls_descriptor();
std::unique_ptr<Module> make_calls();

const ModuleDescriptor& contacts_descriptor();
std::unique_ptr<Module> make_contacts();

const ModuleDescriptor& datausage_descriptor();
std::unique_ptr<Module> make_datausage();

const ModuleDescriptor& tcc_descriptor();
std::unique_ptr<Module> make_tcc();

const ModuleDescriptor& shortcuts_descriptor();
std::unique_ptr<Module> make_shortcuts();

const ModuleDescriptor& calendar_descriptor();
std::unique_ptr<Module> make_calendar();

}  // namespace lumiere::modules::ios
