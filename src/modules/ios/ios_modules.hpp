// Descriptors and factories of the iOS modules, listed in src/framework/registry.cpp.
#pragma once

#include <memory>

#include "framework/module.hpp"

namespace lumiere::modules::ios {

const ModuleDescriptor& backup_info_descriptor();
std::unique_ptr<Module> make_backup_info();

const ModuleDescriptor& manifest_descriptor();
std::unique_ptr<Module> make_manifest();

const ModuleDescriptor& sms_descriptor();
std::unique_ptr<Module> make_sms();

const ModuleDescriptor& sms_attachments_descriptor();
std::unique_ptr<Module> make_sms_attachments();

const ModuleDescriptor& whatsapp_descriptor();
std::unique_ptr<Module> make_whatsapp();

const ModuleDescriptor& whatsapp_contacts_descriptor();
std::unique_ptr<Module> make_whatsapp_contacts();

const ModuleDescriptor& interaction_c_descriptor();
std::unique_ptr<Module> make_interaction_c();

}  // namespace lumiere::modules::ios
