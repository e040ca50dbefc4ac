// Descriptors and factories of the iOS modules, listed in src/framework/registry.cpp.
#pragma once

#include <memory>

#include "framework/module.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& backup_info_descriptor();
std::unique_ptr<Module> make_backup_info();

const ModuleDescriptor& manifest_descriptor();
std::unique_ptr<Module> make_manifest();

}  // namespace lumiere::modules::ios
