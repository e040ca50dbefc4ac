#include "framework/registry.hpp"

#include <array>

#include "modules/ios/ios_modules.hpp"

namespace lumiere {
namespace {

// MVT's check-backup order (spec §3.0); modules land here as they are built.
constexpr std::array kRegistry{
    RegistryEntry{&modules::ios::backup_info_descriptor, &modules::ios::make_backup_info},
    RegistryEntry{&modules::ios::manifest_descriptor, &modules::ios::make_manifest},
    RegistryEntry{&modules::ios::sms_descriptor, &modules::ios::make_sms},
    RegistryEntry{&modules::ios::sms_attachments_descriptor, &modules::ios::make_sms_attachments},
    RegistryEntry{&modules::ios::whatsapp_descriptor, &modules::ios::make_whatsapp},
    RegistryEntry{&modules::ios::whatsapp_contacts_descriptor, &modules::ios::make_whatsapp_contacts},
    RegistryEntry{&modules::ios::interaction_c_descriptor, &modules::ios::make_interaction_c},
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
